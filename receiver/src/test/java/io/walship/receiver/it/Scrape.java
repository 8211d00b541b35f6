package io.walship.receiver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a metrics endpoint over HTTP, as Prometheus makes it: every sample of the text format by its series,
 * written as the endpoint writes it, e.g. {@code walship_receiver_uploads_total{result="stored",server="pg"}}.
 */
record Scrape(Map<String, Double> samples, String text) {

    /** The line both sides log at start: {@code metrics on http://HOST:PORT/metrics}. */
    private static final Pattern URL = Pattern.compile("metrics on (http://\\S+/metrics)");

    /** Where the process that wrote {@code log} serves its metrics. */
    static String urlIn(String log) {
        Matcher m = URL.matcher(log);
        return m.find() ? m.group(1) : fail("expected a line 'metrics on http://HOST:PORT/metrics' in:\n"
                + Tail.of(log, 30));
    }

    static Scrape of(String url) throws IOException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), "GET " + url + ": " + response.body());
            Map<String, Double> samples = new LinkedHashMap<>();
            for (String line : response.body().lines().toList()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    int space = line.lastIndexOf(' ');
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
            return new Scrape(samples, response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while scraping " + url, e);
        }
    }

    /**
     * Scrapes {@code url} until {@code condition} holds of a scrape, which it returns; fails after {@code timeout},
     * with the last scrape and what {@code log} says then.
     */
    static Scrape await(String url, Duration timeout, String what, Predicate<Scrape> condition,
            Callable<String> log) throws Exception {
        Scrape[] last = new Scrape[1];
        boolean met = PostgresCluster.poll(timeout, () -> condition.test(last[0] = Scrape.of(url)));
        if (!met) {
            fail("waited " + timeout + " for " + what + " at " + url + "; the last scrape:\n" + last[0].text()
                    + log.call());
        }
        return last[0];
    }

    Optional<Double> find(String series) {
        return Optional.ofNullable(samples.get(series));
    }

    /** The value of a series that must be there. */
    double value(String series) {
        return find(series).orElseGet(() -> fail("expected the series " + series + " in the scrape:\n" + text));
    }

    /** The value of a series that must be there, as a count. */
    long count(String series) {
        double value = value(series);
        if (value != Math.rint(value)) {
            fail(series + " is " + value + ", not a count");
        }
        return (long) value;
    }
}
