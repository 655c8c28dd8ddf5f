namespace WebApi;

/// <summary>
/// The limits that keep one caller from taking the server, from configuration section <c>Serving</c> (e.g. <c>--Serving:RequestTimeout=00:00:10</c>).
/// Each answer past a limit names the setting; docs/troubleshooting.md ("Serving under load") says how to size them.
/// </summary>
public sealed class ServingLimits
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Serving";

    /// <summary>Bytes of one request body (Kestrel's <c>MaxRequestBodySize</c>); larger bodies get 413. Default: 256 KiB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Characters of one text field (a review, a question, a context, a prompt); longer get 413. Default: 20,000 (a SQuAD paragraph has about 700).</summary>
    public int MaxCharactersPerField { get; set; } = 20_000;

    /// <summary>
    /// The deadline of one request, from the start of its scoring: linked with the client's disconnect (<c>HttpContext.RequestAborted</c>)
    /// into <c>TransformerScoring.WithCancellation</c>, so that the library stops within one batch, window or token; past it /predict and
    /// /answer get 504 and a /generate stream ends. Default: 30 s.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Requests scored at once by /predict, /answer and /attention (ASP.NET Core's concurrency limiter). Default: the processor count.</summary>
    public int MaxConcurrentRequests { get; set; } = Environment.ProcessorCount;

    /// <summary>/generate streams at once (the chat client generates one at a time; more wait for it). Default: 2.</summary>
    public int MaxConcurrentStreams { get; set; } = 2;

    /// <summary>Requests that wait for a permit (oldest first) beyond the concurrent ones; more get 503 with <c>Retry-After</c>. Default: 8.</summary>
    public int QueueLimit { get; set; } = 8;

    /// <summary>The <c>Retry-After</c> of a 503, in seconds. Default: 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>How long a stopping server waits for requests in flight (<c>HostOptions.ShutdownTimeout</c>); then their work is cancelled. Default: 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
