// A minimal ASP.NET Core API serving saved Microsoft.ML.Attention models, and one page (wwwroot/) that uses it:
//   GET  /health      which models are loaded
//   POST /predict     {"text": "..."}                          -> {"label": "positive", "probability": 0.93}   (pooled prediction engines)
//   POST /answer      {"question": "...", "context": "..."}    -> {"answer": "...", "start": 12, "score": 7.1}
//   POST /generate    {"prompt": "...", "maxTokens": 100}      -> server-sent events, one {"text": "..."} per generated piece
//   POST /attention   {"text": "...", "layer": 0, "head": 0}  -> the sentiment model's attention weights for the text
// Models: the .zip files in configuration Models:Sentiment / Models:QuestionAnswering / Models:Generation (e.g.
// --Models:Sentiment=path.zip); unset, the files the SentimentAnalysis and QuestionAnswering samples save, and stories260K.
//   dotnet run -c Release --project src/Samples/WebApi          then open http://127.0.0.1:5080/
using System.Net;
using Microsoft.Extensions.AI;
using WebApi;

var builder = WebApplication.CreateBuilder(args);
// Loopback only: this sample has no authentication. Port: configuration Port (default 5080).
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, builder.Configuration.GetValue("Port", 5080)));
builder.Services.AddSingleton<ModelStore>();

var app = builder.Build();
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapGet("/health", (ModelStore models) => Results.Ok(new
{
    Status = "ok",
    Sentiment = models.Sentiment is not null,
    QuestionAnswering = models.QuestionAnswering is not null,
    Generation = models.Chat is not null,
}));

app.MapPost("/predict", async (HttpRequest request, ModelStore models, CancellationToken cancellationToken) =>
{
    var (body, error) = await JsonBody.ReadAsync<TextRequest>(request, cancellationToken);
    if ((error ?? JsonBody.RequireText(body!.Text, "text")) is { } bad)
        return bad;
    if (models.Sentiment is not { } pool)
        return Unavailable("sentiment", "Models:Sentiment");
    var engine = pool.Get();
    try
    {
        var prediction = engine.Predict(new SentimentRow { Text = body!.Text });
        return Results.Ok(new SentimentResponse(prediction.PredictedLabel ? "positive" : "negative", prediction.Probability));
    }
    finally
    {
        pool.Return(engine);
    }
});

app.MapPost("/answer", async (HttpRequest request, ModelStore models, CancellationToken cancellationToken) =>
{
    var (body, error) = await JsonBody.ReadAsync<AnswerRequest>(request, cancellationToken);
    if ((error ?? JsonBody.RequireText(body!.Question, "question") ?? JsonBody.RequireText(body.Context, "context")) is { } bad)
        return bad;
    if (models.QuestionAnswering is not { } pool)
        return Unavailable("question-answering", "Models:QuestionAnswering");
    var engine = pool.Get();
    try
    {
        var answer = engine.Predict(new QuestionRow { Question = body!.Question, Context = body!.Context });
        return Results.Ok(new AnswerResponse(answer.Answer, answer.Start, answer.Score));
    }
    finally
    {
        pool.Return(engine);
    }
});

app.MapPost("/generate", async (HttpRequest request, ModelStore models, CancellationToken cancellationToken) =>
{
    var (body, error) = await JsonBody.ReadAsync<GenerateRequest>(request, cancellationToken);
    if (error is not null)
        return error;
    if (body!.MaxTokens is < 1 or > 1000)
        return JsonBody.BadRequest($"The field 'maxTokens' must be between 1 and 1000; got {body.MaxTokens}.");
    if (models.Chat is not { } chat)
        return Unavailable("generation", "Models:Generation");
    var updates = chat.GetStreamingResponseAsync(body.Prompt, new ChatOptions { MaxOutputTokens = body.MaxTokens }, cancellationToken);
    return TypedResults.ServerSentEvents(Pieces(updates), eventType: "piece");
});

app.MapPost("/attention", async (HttpRequest request, ModelStore models, CancellationToken cancellationToken) =>
{
    var (body, error) = await JsonBody.ReadAsync<TextRequest>(request, cancellationToken);
    if ((error ?? JsonBody.RequireText(body!.Text, "text")) is { } bad)
        return bad;
    if (models.SentimentModel is not { } model)
        return Unavailable("sentiment", "Models:Sentiment");
    var attention = model.GetAttentionWeights(body!.Text);
    if (body.Layer < 0 || body.Layer >= attention.LayerCount || body.Head < 0 || body.Head >= attention.HeadCount)
        return JsonBody.BadRequest($"'layer' must be in [0, {attention.LayerCount}) and 'head' in [0, {attention.HeadCount}); got {body.Layer}, {body.Head}.");
    var matrix = attention.Head(body.Layer, body.Head);
    var rows = Enumerable.Range(0, attention.Tokens.Count)
        .Select(query => Enumerable.Range(0, attention.Tokens.Count).Select(key => matrix[query, key]).ToArray()).ToArray();
    return Results.Ok(new AttentionResponse(attention.Tokens, attention.LayerCount, attention.HeadCount, body.Layer, body.Head, rows));
});

app.Run();

static async IAsyncEnumerable<GeneratedPiece> Pieces(IAsyncEnumerable<ChatResponseUpdate> updates)
{
    await foreach (var update in updates)
        yield return new GeneratedPiece(update.Text);
}

static IResult Unavailable(string model, string setting) => Results.Json(
    new ErrorResponse($"No {model} model is loaded: set {setting} to a saved .zip, or run the sample that saves it."), statusCode: 503);

/// <summary>The entry point's class, public so that tests can start the app with WebApplicationFactory.</summary>
public partial class Program;
