using System.Globalization;
using global::WebApi;
using Microsoft.Playwright;

namespace Microsoft.ML.Attention.Samples.Tests.WebApi;

/// <summary>
/// The WebApi sample's page in a real headless browser (the installed Chromium, driven by Playwright): a person types, submits and
/// reads what appears. Each expected value is what the saved model gives in this process.
/// </summary>
public sealed class WebPageTests(WebApiModels models) : IClassFixture<WebApiModels>
{
    private const string Review = "The food was great and the staff were friendly.";
    private const string Context = "Marie Curie was a physicist and chemist who was born in Warsaw in 1867 and moved to Paris in 1891.";
    private const string Question = "Where was Marie Curie born?";
    private const string Prompt = "Once upon a time";
    private const string Sentence = "The food was great.";

    [BrowserFact]
    public async Task A_person_sees_the_sentiment_the_answer_the_streamed_story_and_the_heatmap_of_their_sentence()
    {
        using var app = await WebApiProcess.StartAsync(models.SentimentPath, models.QuestionAnsweringPath, models.GenerationPath);
        using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = BrowserFactAttribute.BrowserPath, Headless = true });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(app.Address.ToString());

        // Sentiment: the label and the probability the saved model gives.
        var sentiment = Expected<SentimentRow, SentimentPrediction>(models.SentimentPath, new SentimentRow { Text = Review });
        await page.FillAsync("#sentiment-text", Review);
        await page.ClickAsync("#sentiment-form button");
        await Assertions.Expect(page.Locator("#sentiment-result")).ToHaveTextAsync(
            new System.Text.RegularExpressions.Regex($"^{(sentiment.PredictedLabel ? "positive" : "negative")} \\(probability of positive \\d\\.\\d{{3}}\\)$"));
        string shown = (await page.Locator("#sentiment-result").TextContentAsync())!;
        Assert.Equal(sentiment.Probability, double.Parse(shown.Split(' ')[^1].TrimEnd(')'), CultureInfo.InvariantCulture), 0.0006);

        // Question answering: the span the saved model picks.
        var answer = Expected<QuestionRow, AnswerPrediction>(models.QuestionAnsweringPath, new QuestionRow { Question = Question, Context = Context });
        await page.FillAsync("#answer-context", Context);
        await page.FillAsync("#answer-question", Question);
        await page.ClickAsync("#answer-form button");
        await Assertions.Expect(page.Locator("#answer-result")).ToHaveTextAsync(answer.Answer);

        // Generation: the page shows the prompt, then appends each streamed piece; every text it shows extends the one before.
        string story;
        using (var generator = (TransformerTextTransformer)new MLContext().Model.Load(models.GenerationPath, out _))
            story = Prompt + generator.Generate(Prompt);
        await page.EvaluateAsync(@"() => {
            window.shownTexts = [];
            const result = document.getElementById('generate-result');
            new MutationObserver(() => window.shownTexts.push(result.textContent)).observe(result, { childList: true, characterData: true, subtree: true });
        }");
        await page.FillAsync("#generate-prompt", Prompt);
        await page.ClickAsync("#generate-form button");
        await Assertions.Expect(page.Locator("#generate-result[data-done=true]")).ToHaveTextAsync(story);
        var texts = (await page.EvaluateAsync<string[]>("() => window.shownTexts")).Distinct().ToList();
        Assert.Equal(["…", Prompt], texts.Take(2));
        Assert.Equal(story, texts[^1]);
        Assert.All(texts.Skip(1).Zip(texts.Skip(2)), pair => Assert.StartsWith(pair.First, pair.Second));

        // Attention: a row and a column per token, each row the model's weights (two decimals) summing to 1.
        using var model = (TransformerTextTransformer)new MLContext().Model.Load(models.SentimentPath, out _);
        var attention = model.GetAttentionWeights(Sentence);
        await page.FillAsync("#attention-text", Sentence);
        await page.FillAsync("#attention-layer", "1");
        await page.FillAsync("#attention-head", "0");
        await page.ClickAsync("#attention-form button");
        await Assertions.Expect(page.Locator("#attention-status")).ToHaveTextAsync($"layer 1 of {attention.LayerCount}, head 0 of {attention.HeadCount}");
        Assert.Equal(["", .. attention.Tokens], await page.Locator("#heatmap thead th").AllTextContentsAsync());
        Assert.Equal(attention.Tokens, await page.Locator("#heatmap tbody th").AllTextContentsAsync());
        var weights = attention.Head(1, 0);
        var rows = await page.Locator("#heatmap tbody tr").AllAsync();
        Assert.Equal(attention.Tokens.Count, rows.Count);
        for (int query = 0; query < rows.Count; query++)
        {
            var cells = (await rows[query].Locator("td").AllTextContentsAsync()).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(attention.Tokens.Count, cells.Count);
            for (int key = 0; key < cells.Count; key++)
                Assert.Equal(weights[query, key], cells[key], 0.0051);
            Assert.Equal(1.0, cells.Sum(), 0.05);
        }
    }

    private static TOutput Expected<TInput, TOutput>(string modelPath, TInput input)
        where TInput : class
        where TOutput : class, new()
    {
        var ml = new MLContext();
        using var model = (TransformerTextTransformer)ml.Model.Load(modelPath, out _);
        return ml.Model.CreatePredictionEngine<TInput, TOutput>(model).Predict(input);
    }
}
