using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using global::WebApi;

namespace Microsoft.ML.Attention.Samples.Tests.WebApi;

/// <summary>
/// The WebApi sample as a real Kestrel server on a loopback port (a process, as a user starts it), under a bounded number of hostile
/// and excess requests. A real server rather than WebApplicationFactory's in-memory TestServer, because what is tested lives in the
/// transport: Kestrel's body-size limit, a client's TCP disconnect firing <c>RequestAborted</c>, SIGTERM's drain. Whether abandoned
/// work stopped is read from the server's own counters (GET /stats: how each request's scoring ended), never from timings.
/// </summary>
public sealed class LoadAndAbuseTests(WebApiModels models) : IClassFixture<WebApiModels>
{
    private static readonly string Paragraph = string.Join(" ", File.ReadLines(Path.Combine(SampleApp.RepoRoot, "datasets", "classification", "uci-sentiment", "yelp_labelled.txt"))
        .Take(40).Select(l => l.Split('\t')[0]));

    /// <summary>About 1 MB: some 250,000 tokens, thousands of windows for the unbounded model (seconds of work).</summary>
    private static readonly string HugeContext = string.Concat(Enumerable.Repeat(Paragraph + " ", 1_000_000 / Paragraph.Length));

    [Fact]
    public async Task Abandoned_long_requests_stop_their_work_excess_load_gets_503_with_Retry_After_and_health_still_answers()
    {
        using var app = await WebApiProcess.StartAsync(models.SentimentPath, models.UnboundedQuestionAnsweringPath, models.GenerationPath,
            "--Serving:MaxConcurrentRequests=2", "--Serving:QueueLimit=1", "--Serving:MaxCharactersPerField=2000000", "--Serving:MaxRequestBodyBytes=3000000");
        using var client = new HttpClient { BaseAddress = app.Address };

        // Two 1 MB contexts take both permits; the server is scoring them.
        using var abandon = new CancellationTokenSource();
        var long1 = client.PostAsJsonAsync("/answer", new { question = "How was the food?", context = HugeContext }, abandon.Token);
        var long2 = client.PostAsJsonAsync("/answer", new { question = "Was it good?", context = HugeContext }, abandon.Token);
        await WaitForStats(client, s => s.InFlight == 2);

        // Five more: one may take the queue's place, the others are refused at once.
        var excess = Enumerable.Range(0, 5).Select(_ => SendAllowingAbandon(client, "/predict", new { text = "The food was great." }, abandon.Token)).ToList();
        while (excess.Count(t => t.IsCompleted) < 4)
            await Task.WhenAny(excess.Where(t => !t.IsCompleted));
        var refused = excess.Where(t => t.IsCompleted).Select(t => t.Result).Where(r => r?.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.True(refused.Count >= 4, $"{refused.Count} of 5 were refused");
        foreach (var response in refused)
        {
            Assert.Equal("1", response!.Headers.RetryAfter?.ToString());
            Assert.Contains("Serving:MaxConcurrentRequests", (await response.Content.ReadFromJsonAsync<ErrorResponse>())!.Error);
        }

        // /health is outside the limiter: it answers while every permit is taken.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);

        // The clients give up: the disconnects cancel the scoring, which stops at its next window.
        abandon.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => long1);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => long2);
        await Task.WhenAll(excess);
        var stats = await WaitForStats(client, s => s.InFlight == 0);
        Assert.Equal(2, stats.ClientGone);                 // both 1 MB scorings ended by cancellation, not by finishing
        Assert.Equal(refused.Count, stats.Rejected);

        // The server serves as before.
        var answer = await client.PostAsJsonAsync("/answer", new { question = "How was the food?", context = Paragraph });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task An_abandoned_generate_stream_stops_generating_and_a_body_past_kestrels_limit_gets_413()
    {
        using var app = await WebApiProcess.StartAsync(models.SentimentPath, models.QuestionAnsweringPath, models.LongGenerationPath,
            "--Serving:MaxRequestBodyBytes=100000");
        using var client = new HttpClient { BaseAddress = app.Address };

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/generate") { Content = JsonContent.Create(new { prompt = "The food", maxTokens = 1000 }) })
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("event: piece", await reader.ReadLineAsync());   // the first piece has come: leave
        }

        var stats = await WaitForStats(client, s => s.InFlight == 0);
        Assert.Equal((1L, 0L, 1L), (stats.Streams, stats.Completed, stats.ClientGone));
        Assert.True(stats.GeneratedPieces < 1000, $"{stats.GeneratedPieces} pieces were generated for the abandoned stream");

        // A body larger than Kestrel's MaxRequestBodySize, sent without a declared length: cut while it is read, answered 413 in JSON.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/predict")
        {
            Content = new PushStreamContent(JsonSerializer.SerializeToUtf8Bytes(new { text = new string('a', 150_000) })),
        };
        var tooLarge = await client.SendAsync(chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("Serving:MaxRequestBodyBytes", (await tooLarge.Content.ReadFromJsonAsync<ErrorResponse>())!.Error);
    }

    [Fact]
    public async Task SIGTERM_drains_the_request_in_flight_before_the_server_exits()
    {
        using var app = await WebApiProcess.StartAsync(models.SentimentPath, models.UnboundedQuestionAnsweringPath, models.GenerationPath,
            "--Serving:RequestTimeout=00:05:00");
        using var client = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromMinutes(5) };
        // About 150 windows: long enough to be in flight when the signal comes.
        var context = string.Concat(Enumerable.Repeat(Paragraph + " ", 15_000 / Paragraph.Length));
        var inFlight = client.PostAsJsonAsync("/answer", new { question = "How was the food?", context });
        await WaitForStats(client, s => s.InFlight == 1);

        Assert.True(await app.TerminateAsync(TimeSpan.FromMinutes(2)), "the server did not exit within 2 minutes of SIGTERM");

        var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<AnswerResponse>();
        Assert.Equal(context.Substring(answer!.Start, answer.Answer.Length), answer.Answer);
        Assert.Equal((true, 0), app.Exit);
    }

    // A request that the test abandons with the others: null when it was still waiting (queued) then.
    private static async Task<HttpResponseMessage?> SendAllowingAbandon(HttpClient client, string path, object body, CancellationToken abandon)
    {
        try
        {
            return await client.PostAsJsonAsync(path, body, abandon);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    // Polls GET /stats (outside the limiter) until the condition holds; at most 2 minutes, which only a broken server reaches.
    private static async Task<StatsResponse> WaitForStats(HttpClient client, Func<StatsResponse, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var stats = (await client.GetFromJsonAsync<StatsResponse>("/stats"))!;
            if (condition(stats))
                return stats;
            Assert.True(DateTime.UtcNow < deadline, $"/stats never reached the expected state: {stats}");
            await Task.Delay(50);
        }
    }

    /// <summary>A JSON body written without a Content-Length (chunked), as a streaming client sends it.</summary>
    private sealed class PushStreamContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
