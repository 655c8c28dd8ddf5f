using System.Net;
using System.Net.Http.Json;
using global::WebApi;

namespace Microsoft.ML.Attention.Samples.Tests.WebApi;

/// <summary>The WebApi sample's limits in process (WebApplicationFactory): each refusal is a 4xx or 5xx whose message names the setting.</summary>
public sealed class ServingLimitsTests(WebApiModels models) : IClassFixture<WebApiModels>
{
    private const string Context = "Marie Curie was a physicist and chemist who was born in Warsaw in 1867 and moved to Paris in 1891.";

    [Fact]
    public async Task A_one_megabyte_context_gets_413_naming_the_character_limit_and_no_work_starts()
    {
        using var factory = WebApiModels.Serving(models.SentimentPath, models.QuestionAnsweringPath, models.GenerationPath, ("Serving:MaxRequestBodyBytes", "4000000"));
        using var client = factory.CreateClient();
        string huge = string.Concat(Enumerable.Repeat(Context + " ", 1_000_000 / Context.Length));

        var response = await client.PostAsJsonAsync("/answer", new { question = "Where was she born?", context = huge });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        string error = (await response.Content.ReadFromJsonAsync<ErrorResponse>())!.Error;
        Assert.Contains("'context'", error);
        Assert.Contains("Serving:MaxCharactersPerField", error);
        var stats = await client.GetFromJsonAsync<StatsResponse>("/stats");
        Assert.Equal((0L, 0L, 1L), (stats!.InFlight, stats.Completed, stats.TooLarge));
    }

    [Fact]
    public async Task A_body_over_the_size_limit_gets_413_naming_the_limit()
    {
        using var client = models.Server.CreateClient();
        // StringContent declares its length, as most clients do (a chunked body is cut by Kestrel while it is read: LoadAndAbuseTests).
        var body = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { text = new string('a', 300_000) }), System.Text.Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/predict", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Serving:MaxRequestBodyBytes", (await response.Content.ReadFromJsonAsync<ErrorResponse>())!.Error);
    }

    [Fact]
    public async Task A_context_that_needs_more_windows_than_the_model_allows_gets_413_naming_MaxWindowsPerRow()
    {
        using var client = models.Server.CreateClient();
        // 19,000 characters: under the field limit, but some 4,000 tokens, more than 64 windows of the test model's 64 tokens.
        string context = string.Concat(Enumerable.Repeat(Context + " ", 19_000 / Context.Length));

        var response = await client.PostAsJsonAsync("/answer", new { question = "Where was she born?", context });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        string error = (await response.Content.ReadFromJsonAsync<ErrorResponse>())!.Error;
        Assert.Contains("QuestionAnswering.MaxWindowsPerRow", error);
        Assert.Contains("'Context'", error);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/answer", new { question = "Where was she born?", context = Context })).StatusCode);
    }

    [Fact]
    public async Task A_request_past_its_deadline_gets_504_naming_the_setting_and_its_work_stops()
    {
        using var factory = WebApiModels.Serving(models.SentimentPath, models.UnboundedQuestionAnsweringPath, models.GenerationPath, ("Serving:RequestTimeout", "00:00:00"));
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/answer", new { question = "Where was she born?", context = Context });

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("Serving:RequestTimeout", (await response.Content.ReadFromJsonAsync<ErrorResponse>())!.Error);
        var stats = await client.GetFromJsonAsync<StatsResponse>("/stats");
        Assert.Equal((0L, 0L, 1L), (stats!.InFlight, stats.Completed, stats.DeadlineExceeded));
    }
}
