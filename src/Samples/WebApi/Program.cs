// A minimal ASP.NET Core API serving saved Microsoft.ML.Attention models, and one page (wwwroot/) that uses it:
//   GET  /health      which models are loaded (never rate-limited)
//   GET  /stats       requests in flight and how the others ended (never rate-limited)
//   POST /predict     {"text": "..."}                          -> {"label": "positive", "probability": 0.93}   (pooled prediction engines)
//   POST /answer      {"question": "...", "context": "..."}    -> {"answer": "...", "start": 12, "score": 7.1}
//   POST /generate    {"prompt": "...", "maxTokens": 100}      -> server-sent events, one {"text": "..."} per generated piece
//   POST /attention   {"text": "...", "layer": 0, "head": 0}  -> the sentiment model's attention weights for the text
// Models: the .zip files in configuration Models:Sentiment / Models:QuestionAnswering / Models:Generation (e.g.
// --Models:Sentiment=path.zip); unset, the files the SentimentAnalysis and QuestionAnswering samples save, and stories260K.
// Limits (configuration Serving:*, see ServingLimits): body size and characters per field (413), a deadline per request that stops
// the library's work (504), a concurrency limiter with a small queue (503 with Retry-After), a drain on shutdown.
//   dotnet run -c Release --project src/Samples/WebApi          then open http://127.0.0.1:5080/
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.AI;
using Microsoft.ML.Attention;
using WebApi;

var builder = WebApplication.CreateBuilder(args);
var limits = builder.Configuration.GetSection(ServingLimits.Section).Get<ServingLimits>() ?? new ServingLimits();
builder.Services.Configure<ServingLimits>(builder.Configuration.GetSection(ServingLimits.Section));
// Loopback only: this sample has no authentication. Port: configuration Port (default 5080).
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, builder.Configuration.GetValue("Port", 5080));
    kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
});
// A stopping server (SIGTERM, Ctrl+C) stops accepting and waits this long for requests in flight before cancelling them.
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = limits.ShutdownTimeout);
builder.Services.AddSingleton<ServingStats>();
builder.Services.AddSingleton<ModelStore>();
builder.Services.AddSingleton<JsonBody>();
builder.Services.AddSingleton<Scoring>();
builder.Services.AddRateLimiter(rateLimiter =>
{
    rateLimiter.AddConcurrencyLimiter(Policies.Scoring, permits =>
    {
        permits.PermitLimit = limits.MaxConcurrentRequests;
        permits.QueueLimit = limits.QueueLimit;
        permits.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
    });
    rateLimiter.AddConcurrencyLimiter(Policies.Generation, permits =>
    {
        permits.PermitLimit = limits.MaxConcurrentStreams;
        permits.QueueLimit = limits.QueueLimit;
        permits.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
    });
    rateLimiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
    rateLimiter.OnRejected = async (rejected, cancellationToken) =>
    {
        var http = rejected.HttpContext;
        http.RequestServices.GetRequiredService<ServingStats>().Rejected();
        http.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await http.Response.WriteAsJsonAsync(new ErrorResponse(
            $"The server is at its limit ({limits.MaxConcurrentRequests} requests scored and {limits.MaxConcurrentStreams} streams at once, " +
            $"{limits.QueueLimit} waiting: {ServingLimits.Section}:{nameof(ServingLimits.MaxConcurrentRequests)}, " +
            $"{nameof(ServingLimits.MaxConcurrentStreams)}, {nameof(ServingLimits.QueueLimit)}); retry after {limits.RetryAfterSeconds} s."),
            cancellationToken);
    };
});

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseRateLimiter();
// The models are disposed after the host stops: first let work cancelled at the end of the drain reach its next check.
app.Lifetime.ApplicationStopped.Register(() => app.Services.GetRequiredService<ServingStats>().WaitIdle(TimeSpan.FromSeconds(10)));

app.MapGet("/health", (ModelStore models) => Results.Ok(new
{
    Status = "ok",
    Sentiment = models.Sentiment is not null,
    QuestionAnswering = models.QuestionAnswering is not null,
    Generation = models.Chat is not null,
})).DisableRateLimiting();

app.MapGet("/stats", (ServingStats stats) => Results.Ok(stats.Snapshot())).DisableRateLimiting();

app.MapPost("/predict", async (HttpContext http, ModelStore models, JsonBody json, Scoring scoring) =>
{
    var (body, error) = await json.ReadAsync<TextRequest>(http.Request, http.RequestAborted);
    if ((error ?? json.RequireText(body!.Text, "text")) is { } bad)
        return bad;
    if (models.Sentiment is not { } pool)
        return Unavailable("sentiment", "Models:Sentiment");
    var engine = pool.Get();
    try
    {
        return scoring.Run(http, () => engine.Predict(new SentimentRow { Text = body!.Text }),
            prediction => Results.Ok(new SentimentResponse(prediction.PredictedLabel ? "positive" : "negative", prediction.Probability)));
    }
    finally
    {
        pool.Return(engine);
    }
}).RequireRateLimiting(Policies.Scoring);

app.MapPost("/answer", async (HttpContext http, ModelStore models, JsonBody json, Scoring scoring) =>
{
    var (body, error) = await json.ReadAsync<AnswerRequest>(http.Request, http.RequestAborted);
    if ((error ?? json.RequireText(body!.Question, "question") ?? json.RequireText(body.Context, "context")) is { } bad)
        return bad;
    if (models.QuestionAnswering is not { } pool)
        return Unavailable("question-answering", "Models:QuestionAnswering");
    var engine = pool.Get();
    try
    {
        return scoring.Run(http, () => engine.Predict(new QuestionRow { Question = body!.Question, Context = body!.Context }),
            answer => Results.Ok(new AnswerResponse(answer.Answer, answer.Start, answer.Score)));
    }
    finally
    {
        pool.Return(engine);
    }
}).RequireRateLimiting(Policies.Scoring);

app.MapPost("/generate", async (HttpContext http, ModelStore models, JsonBody json, Scoring scoring, ServingStats stats) =>
{
    var (body, error) = await json.ReadAsync<GenerateRequest>(http.Request, http.RequestAborted);
    if ((error ?? json.LimitLength(body!.Prompt, "prompt")) is { } bad)
        return bad;
    if (body!.MaxTokens is < 1 or > 1000)
        return JsonBody.BadRequest($"The field 'maxTokens' must be between 1 and 1000; got {body.MaxTokens}.");
    if (models.Chat is not { } chat)
        return Unavailable("generation", "Models:Generation");
    // The deadline lives as long as the stream: the pieces are written after this handler returns.
    var deadline = scoring.Deadline(http);
    var updates = chat.GetStreamingResponseAsync(body.Prompt, new ChatOptions { MaxOutputTokens = body.MaxTokens }, deadline.Token);
    return TypedResults.ServerSentEvents(Pieces(updates, deadline, http, stats), eventType: "piece");
}).RequireRateLimiting(Policies.Generation);

app.MapPost("/attention", async (HttpContext http, ModelStore models, JsonBody json, Scoring scoring) =>
{
    var (body, error) = await json.ReadAsync<TextRequest>(http.Request, http.RequestAborted);
    if ((error ?? json.RequireText(body!.Text, "text")) is { } bad)
        return bad;
    if (models.SentimentModel is not { } model)
        return Unavailable("sentiment", "Models:Sentiment");
    var request = body!;
    return scoring.Run(http, () => model.GetAttentionWeights(request.Text), attention =>
    {
        if (request.Layer < 0 || request.Layer >= attention.LayerCount || request.Head < 0 || request.Head >= attention.HeadCount)
            return JsonBody.BadRequest($"'layer' must be in [0, {attention.LayerCount}) and 'head' in [0, {attention.HeadCount}); got {request.Layer}, {request.Head}.");
        var matrix = attention.Head(request.Layer, request.Head);
        var rows = Enumerable.Range(0, attention.Tokens.Count)
            .Select(query => Enumerable.Range(0, attention.Tokens.Count).Select(key => matrix[query, key]).ToArray()).ToArray();
        return Results.Ok(new AttentionResponse(attention.Tokens, attention.LayerCount, attention.HeadCount, request.Layer, request.Head, rows));
    });
}).RequireRateLimiting(Policies.Scoring);

app.Run();

// The generated pieces as events; the stream ends (and the generation stops before its next token) when the client leaves or the
// deadline passes, and is counted as such.
static async IAsyncEnumerable<GeneratedPiece> Pieces(IAsyncEnumerable<ChatResponseUpdate> updates, CancellationTokenSource deadline,
    HttpContext http, ServingStats stats)
{
    stats.Started();
    stats.StreamStarted();
    var end = RequestEnd.Completed;
    var pieces = updates.GetAsyncEnumerator(deadline.Token);
    try
    {
        while (true)
        {
            try
            {
                if (!await pieces.MoveNextAsync())
                    break;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                end = http.RequestAborted.IsCancellationRequested ? RequestEnd.ClientGone : RequestEnd.Deadline;
                break;
            }
            stats.Generated();
            yield return new GeneratedPiece(pieces.Current.Text);
        }
    }
    finally
    {
        if (end == RequestEnd.Completed && deadline.IsCancellationRequested)
            end = http.RequestAborted.IsCancellationRequested ? RequestEnd.ClientGone : RequestEnd.Deadline;
        await pieces.DisposeAsync();
        deadline.Dispose();
        stats.Ended(end);
    }
}

static IResult Unavailable(string model, string setting) => Results.Json(
    new ErrorResponse($"No {model} model is loaded: set {setting} to a saved .zip, or run the sample that saves it."), statusCode: 503);

/// <summary>The entry point's class, public so that tests can start the app with WebApplicationFactory.</summary>
public partial class Program;

/// <summary>The rate-limiting policies: scoring requests, and generation streams (held for the whole stream).</summary>
internal static class Policies
{
    public const string Scoring = "scoring";
    public const string Generation = "generation";
}
