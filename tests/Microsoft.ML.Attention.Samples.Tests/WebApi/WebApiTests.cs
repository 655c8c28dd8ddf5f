using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using global::WebApi;

namespace Microsoft.ML.Attention.Samples.Tests.WebApi;

public sealed class WebApiTests : IClassFixture<WebApiModels>, IDisposable
{
    private readonly WebApiModels _models;
    private readonly HttpClient _client;

    public WebApiTests(WebApiModels models)
    {
        _models = models;
        _client = models.Server.CreateClient();
    }

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Health_reports_every_model_loaded()
    {
        var health = await _client.GetFromJsonAsync<JsonElement>("/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("sentiment").GetBoolean());
        Assert.True(health.GetProperty("questionAnswering").GetBoolean());
        Assert.True(health.GetProperty("generation").GetBoolean());
    }

    [Fact]
    public async Task Predict_answers_what_the_saved_model_predicts_in_process_for_64_concurrent_requests()
    {
        var texts = _models.Reviews.Skip(100).Take(64).Select(r => r.Text).ToList();
        var expected = ExpectedSentiments(texts);

        var responses = await Task.WhenAll(texts.Select(text => _client.PostAsJsonAsync("/predict", new { text })));

        for (int i = 0; i < texts.Count; i++)
        {
            Assert.True(responses[i].StatusCode == HttpStatusCode.OK, await responses[i].Content.ReadAsStringAsync());
            var body = await responses[i].Content.ReadFromJsonAsync<SentimentResponse>();
            Assert.Equal(expected[i], body);
        }
        Assert.True(expected.Select(e => e.Label).Distinct().Count() == 2 || expected.Select(e => e.Probability).Distinct().Count() > 10,
            "the 64 expected answers should differ between texts");
    }

    [Theory]
    [InlineData("/predict", "{\"text\": \"unterminated", "not valid JSON")]
    [InlineData("/predict", "{}", "missing required properties including: 'text'")]
    [InlineData("/predict", "{\"text\": \"  \"}", "'text' is required")]
    [InlineData("/predict", "", "not valid JSON")]
    [InlineData("/answer", "{\"question\": \"Who?\"}", "missing required properties including: 'context'")]
    [InlineData("/generate", "{\"prompt\": 5}", "not valid JSON")]
    [InlineData("/generate", "{\"prompt\": \"a\", \"maxTokens\": 0}", "'maxTokens' must be between 1 and 1000")]
    [InlineData("/attention", "{\"text\": \"good\", \"layer\": 9}", "'layer' must be in [0, 2)")]
    public async Task Malformed_or_incomplete_requests_get_400_with_a_message(string path, string body, string message)
    {
        var response = await _client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<ErrorResponse>();
        Assert.Contains(message, error!.Error);
    }

    [Fact]
    public async Task Answer_is_the_saved_models_span_of_the_context()
    {
        const string context = "Marie Curie was a physicist and chemist who was born in Warsaw in 1867 and moved to Paris in 1891.";
        var ml = new MLContext();
        var engine = ml.Model.CreatePredictionEngine<QuestionRow, AnswerPrediction>(ml.Model.Load(_models.QuestionAnsweringPath, out _));
        var expected = engine.Predict(new QuestionRow { Question = "Where was she born?", Context = context });

        var response = await _client.PostAsJsonAsync("/answer", new { question = "Where was she born?", context });

        var answer = await response.Content.ReadFromJsonAsync<AnswerResponse>();
        Assert.Equal(new AnswerResponse(expected.Answer, expected.Start, expected.Score), answer);
        Assert.Equal(context.Substring(answer!.Start, answer.Answer.Length), answer.Answer);
    }

    [Fact]
    public async Task Generate_streams_server_sent_events_that_concatenate_to_the_models_text()
    {
        var ml = new MLContext();
        using var model = (TransformerTextTransformer)ml.Model.Load(_models.GenerationPath, out _);
        var options = model.Generation!;
        options.MaxNewTokens = 12;
        string expected = string.Concat(model.GenerateStream("Once upon a time", options));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/generate") { Content = JsonContent.Create(new { prompt = "Once upon a time", maxTokens = 12 }) };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        string stream = await response.Content.ReadAsStringAsync();
        var events = stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        Assert.True(events.Count > 1, stream);
        Assert.All(events, e => Assert.StartsWith("event: piece\n", e));
        var pieces = events.Select(e => JsonSerializer.Deserialize<GeneratedPiece>(
            string.Join("\n", e.Split('\n').Where(l => l.StartsWith("data: ")).Select(l => l["data: ".Length..])), JsonSerializerOptions.Web)!.Text);
        Assert.Equal(expected, string.Concat(pieces));
    }

    [Fact]
    public async Task Attention_returns_one_heads_weights_rows_summing_to_one()
    {
        var response = await _client.PostAsJsonAsync("/attention", new { text = "The food was great.", layer = 1, head = 1 });

        var attention = await response.Content.ReadFromJsonAsync<AttentionResponse>();
        Assert.Equal(["[CLS]", "the", "food", "was", "great", ".", "[SEP]"], attention!.Tokens);
        Assert.Equal((2, 2, 1, 1), (attention.LayerCount, attention.HeadCount, attention.Layer, attention.Head));
        Assert.All(attention.Weights, row => Assert.Equal(1f, row.Sum(), 4));
    }

    [Fact]
    public async Task A_model_that_is_not_there_is_answered_503_naming_the_setting()
    {
        using var factory = WebApiModels.Serving(Path.Combine(Path.GetTempPath(), "no-such-model.zip"), _models.QuestionAnsweringPath, _models.GenerationPath);
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/predict", new { text = "good" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Models:Sentiment", (await response.Content.ReadFromJsonAsync<ErrorResponse>())!.Error);
    }

    private List<SentimentResponse> ExpectedSentiments(IEnumerable<string> texts)
    {
        var ml = new MLContext();
        var engine = ml.Model.CreatePredictionEngine<SentimentRow, SentimentPrediction>(ml.Model.Load(_models.SentimentPath, out _));
        return texts.Select(t => engine.Predict(new SentimentRow { Text = t }))
            .Select(p => new SentimentResponse(p.PredictedLabel ? "positive" : "negative", p.Probability)).ToList();
    }
}
