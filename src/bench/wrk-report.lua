-- Printed once by wrk at the end of a run; run.sh parses this line instead of wrk's rounded text.
-- bytes counts every byte read, including a response still in flight when the run ended, so
-- bytes / duration is the true transfer rate even for 100 MB bodies.
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH requests=%d bytes=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.bytes, summary.duration,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
