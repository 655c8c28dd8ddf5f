using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Samples.Tests;

public partial class SampleAppTests
{
    [Fact]
    public void SentimentAnalysis_quick_mode_evaluates_both_pipelines_and_its_saved_zip_gives_the_printed_prediction()
    {
        string output = SampleApp.NewOutputFolder("sentiment");

        string printed = SampleApp.RunQuick("SentimentAnalysis", output, "--text", "The service was terrible and the food was cold.");

        Assert.Contains("Data: 120 yelp reviews (quick mode)", printed);
        foreach (string pipeline in new[] { "Transformer fine-tuned from all-MiniLM-L6-v2:", "FeaturizeText + SdcaLogisticRegression:" })
        {
            double accuracy = Number(AccuracyPattern().Match(SampleApp.Line(printed, pipeline)).Groups[1].Value);
            Assert.InRange(accuracy, 0.0, 100.0);
        }
        string zip = Path.Combine(output, "SentimentAnalysis.zip");
        Assert.True(File.Exists(zip));
        var ml = new MLContext();
        var engine = ml.Model.CreatePredictionEngine<Review, Sentiment>(ml.Model.Load(zip, out _));
        var expected = engine.Predict(new Review { Text = "The service was terrible and the food was cold." });
        Assert.Equal(
            $"Prediction: \"The service was terrible and the food was cold.\" -> {(expected.PredictedLabel ? "positive" : "negative")} " +
            $"(probability of positive {expected.Probability.ToString("F3", CultureInfo.InvariantCulture)})",
            SampleApp.Line(printed, "Prediction:"));
    }

    [Fact]
    public void SemanticSearch_quick_mode_finds_the_review_about_poor_service_for_a_rude_waiter()
    {
        string output = SampleApp.NewOutputFolder("search");

        string printed = SampleApp.RunQuick("SemanticSearch", output, "--query", "the waiter was rude");

        Assert.Contains("Embedded 100 sentences", printed);
        var hits = printed.Split('\n').SkipWhile(l => !l.StartsWith("Query: \"the waiter was rude\"", StringComparison.Ordinal)).Skip(1).Take(3)
            .Select(l => l.Trim()).ToList();
        Assert.Equal(3, hits.Count);
        Assert.EndsWith("Poor service, the waiter made me feel like I was stupid every time he came to the table.", hits[0]);
        var similarities = hits.Select(h => double.Parse(h.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(similarities.OrderByDescending(s => s), similarities);
        Assert.InRange(similarities[0], 0.5, 1.0);
        Assert.True(File.Exists(Path.Combine(output, "SemanticSearch.zip")));
    }

    [Fact]
    public void QuestionAnswering_quick_mode_answers_with_a_span_of_the_typed_paragraph_and_the_saved_zip_agrees()
    {
        string output = SampleApp.NewOutputFolder("qa");
        const string context = "Marie Curie was a physicist and chemist who was born in Warsaw in 1867 and moved to Paris in 1891.";
        const string question = "Where was Marie Curie born?";

        string printed = SampleApp.RunQuick("QuestionAnswering", output, "--context", context, "--question", question);

        Assert.Contains("on 32 SQuAD v1.1 training questions (quick mode)", printed);
        Assert.Matches(@"SQuAD v1\.1 dev, first 20 questions: exact match \d+\.\d, F1 \d+\.\d", printed);
        var answer = AnswerPattern().Match(SampleApp.Line(printed, "A: "));
        Assert.True(answer.Success, printed);
        int start = int.Parse(answer.Groups[2].Value, CultureInfo.InvariantCulture);
        int end = int.Parse(answer.Groups[3].Value, CultureInfo.InvariantCulture);
        Assert.Equal(context[start..end], answer.Groups[1].Value);
        var ml = new MLContext();
        var engine = ml.Model.CreatePredictionEngine<QaInput, QaOutput>(ml.Model.Load(Path.Combine(output, "QuestionAnswering.zip"), out _));
        var reloaded = engine.Predict(new QaInput { Question = question, Context = context });
        Assert.Equal((reloaded.Answer, reloaded.AnswerStart), (answer.Groups[1].Value, start));
    }

    [Fact]
    public void TextGeneration_quick_mode_trains_streams_reloads_and_chats_with_stories260K()
    {
        string output = SampleApp.NewOutputFolder("generation");

        string printed = SampleApp.RunQuick("TextGeneration", output);

        var losses = ValidationLossPattern().Matches(printed).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, losses.Count);                            // before training, after the epoch
        Assert.True(losses[1] < losses[0], $"validation loss did not fall: {losses[0]} -> {losses[1]}");
        Assert.Contains("Reloaded from the .zip, Predict gives the same text: True", printed);
        var ml = new MLContext();
        using var stories = ml.Transforms.ImportLlama2c(SampleApp.RepoRoot + "/datasets/weights/stories260K/stories260K.bin",
            SampleApp.RepoRoot + "/datasets/weights/stories260K/tok512.bin", generation: new GenerationOptions { Temperature = 0, MaxNewTokens = 60 });
        string story = "Once upon a time" + stories.Generate("Once upon a time");
        Assert.Contains(story, printed.Replace("\r", ""));
        Assert.True(File.Exists(Path.Combine(output, "TextGeneration.zip")));
    }

    [Fact]
    public void AttentionPictures_quick_mode_writes_the_heatmaps_and_the_loss_curves_as_PNG()
    {
        string output = SampleApp.NewOutputFolder("pictures");

        string printed = SampleApp.RunQuick("AttentionPictures", output, "--text", "The food was great.");

        Assert.Contains("Tokens: [CLS] the food was great . [SEP] (6 layers x 12 heads)", printed);
        var losses = LossLinePattern().Match(SampleApp.Line(printed, "Training loss"));
        Assert.True(losses.Success, printed);
        Assert.True(Number(losses.Groups[2].Value) < Number(losses.Groups[1].Value), "training loss did not fall");
        foreach (string name in new[] { "attention-minilm-layer0-head0.png", "attention-minilm-layer2-head5.png", "attention-minilm-layer5-head3.png",
            "loss-curves-tinyshakespeare.png" })
        {
            byte[] png = File.ReadAllBytes(Path.Combine(output, name));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.Take(4));
            Assert.True(png.Length > 5_000, $"{name} is only {png.Length} bytes");
        }
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"accuracy (\d+(?:\.\d+)?) ?%")]
    private static partial Regex AccuracyPattern();

    [GeneratedRegex(@"^A: (.*) \(characters (\d+)-(\d+), score -?\d+\.\d\d\)$")]
    private static partial Regex AnswerPattern();

    [GeneratedRegex(@"^Training loss (\d+\.\d+) \(step \d+\) -> (\d+\.\d+)")]
    private static partial Regex LossLinePattern();

    [GeneratedRegex(@"validation causal-LM loss (\d+\.\d+)")]
    private static partial Regex ValidationLossPattern();

    private sealed class Review
    {
        public string Text { get; set; } = "";
    }

    private sealed class Sentiment
    {
        public bool PredictedLabel { get; set; }
        public float Probability { get; set; }
    }

    private sealed class QaInput
    {
        public string Question { get; set; } = "";
        public string Context { get; set; } = "";
    }

    private sealed class QaOutput
    {
        public string Answer { get; set; } = "";
        public int AnswerStart { get; set; }
    }
}
