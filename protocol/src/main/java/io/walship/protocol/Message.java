package io.walship.protocol;

/** A decoded protocol message; one frame carries exactly one. */
public sealed interface Message permits Hello, Welcome, Put, Get, Data, End, Reply, Check,
        CheckReport {
}
