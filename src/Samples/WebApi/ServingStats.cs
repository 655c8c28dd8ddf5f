namespace WebApi;

/// <summary>
/// What the server is doing and what its limits refused, for GET /stats (operators, and the load tests that check that abandoned
/// work stops): counted where each request ends.
/// </summary>
public sealed class ServingStats
{
    private long _inFlight;
    private long _completed;
    private long _clientGone;
    private long _deadline;
    private long _tooLarge;
    private long _rejected;
    private long _streams;
    private long _tokens;

    /// <summary>Requests being scored or streamed now.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    public void Started() => Interlocked.Increment(ref _inFlight);

    /// <summary>A request's scoring ended: completed, cancelled by the client's disconnect or the deadline, or refused by the library's work limit.</summary>
    public void Ended(RequestEnd end)
    {
        if (end == RequestEnd.Completed)
            Interlocked.Increment(ref _completed);
        else if (end == RequestEnd.ClientGone)
            Interlocked.Increment(ref _clientGone);
        else if (end == RequestEnd.Deadline)
            Interlocked.Increment(ref _deadline);
        else
            Interlocked.Increment(ref _tooLarge);
        Interlocked.Decrement(ref _inFlight);
    }

    public void TooLarge() => Interlocked.Increment(ref _tooLarge);

    public void Rejected() => Interlocked.Increment(ref _rejected);

    public void StreamStarted() => Interlocked.Increment(ref _streams);

    public void Generated() => Interlocked.Increment(ref _tokens);

    /// <summary>Waits (at most <paramref name="timeout"/>) until no request is in flight: the models are disposed after it.</summary>
    public bool WaitIdle(TimeSpan timeout) => SpinWait.SpinUntil(() => InFlight == 0, timeout);

    public StatsResponse Snapshot() => new(InFlight, Interlocked.Read(ref _completed), Interlocked.Read(ref _clientGone), Interlocked.Read(ref _deadline),
        Interlocked.Read(ref _tooLarge), Interlocked.Read(ref _rejected), Interlocked.Read(ref _streams), Interlocked.Read(ref _tokens));
}

/// <summary>How a request's scoring ended.</summary>
public enum RequestEnd
{
    Completed,
    ClientGone,
    Deadline,
    TooLarge,
}

/// <summary>GET /stats: requests in flight and how the others ended, since the server started.</summary>
/// <param name="InFlight">Being scored or streamed now.</param>
/// <param name="Completed">Answered.</param>
/// <param name="ClientGone">Cancelled because the client disconnected (work stopped within one batch, window or token).</param>
/// <param name="DeadlineExceeded">Cancelled by <see cref="ServingLimits.RequestTimeout"/>.</param>
/// <param name="TooLarge">Answered 413 (body, field or work limit).</param>
/// <param name="Rejected">Answered 503 by the concurrency limiter.</param>
/// <param name="Streams">/generate streams started.</param>
/// <param name="GeneratedPieces">Pieces of text streamed by /generate.</param>
public sealed record StatsResponse(long InFlight, long Completed, long ClientGone, long DeadlineExceeded, long TooLarge, long Rejected, long Streams, long GeneratedPieces);
