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

    [Fact]
    public void QuickStart_quick_mode_runs_every_step_and_ends_with_the_summary_table_in_plain_text()
    {
        string output = SampleApp.NewOutputFolder("quickstart");
        const string context = "Marie Curie was a physicist and chemist who was born in Warsaw in 1867 and moved to Paris in 1891.";

        string printed = SampleApp.RunQuick("QuickStart", output, "--context", context, "--question", "Where was Marie Curie born?");

        Assert.DoesNotContain("\u001b[", printed);                  // redirected: no ANSI escape sequences
        Assert.Contains("Microsoft.ML.Attention quick start (quick mode)", printed);
        // The training bars are fed by TransformerTextOptions.Progress: their plain-text milestones carry its epoch and loss.
        Assert.Matches(@"Fine-tune sentiment from all-MiniLM-L6-v2 \(\d+ yelp reviews\) epoch 1/1, loss \d+\.\d{3}, \d+ rows/s: \d+%", printed);
        var rows = SummaryRows(printed);
        Assert.Equal(
            ["Import all-MiniLM-L6-v2 (ImportEncoder)", "Fine-tune sentiment from all-MiniLM-L6-v2 (92 yelp reviews)", "Evaluate it on 28 held-out reviews",
             "Bag-of-words: FeaturizeText + SdcaLogisticRegression, same split", "Save the .zip and reload it in a new MLContext",
             "Fine-tune question answering from all-MiniLM-L6-v2 (32 SQuAD questions)", "Evaluate it on the first 20 SQuAD v1.1 dev questions",
             "Answer a question about a paragraph",
             "Generate a story: stories260K (ImportLlama2c), streamed", "Total"],
            rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Matches(@"^\d+\.\d s$", r[2]));
        Assert.Matches(@"^6 layers x 384 dimensions; cosine: paraphrases 0\.\d\d, unrelated -?0\.\d\d$", rows[0][1]);
        Assert.Equal("6 steps, 1 epoch(s)", rows[1][1][..rows[1][1].IndexOf(", last", StringComparison.Ordinal)]);
        Assert.Matches(@"^accuracy \d+\.\d ?%, AUC \d\.\d{3}$", rows[2][1]);
        Assert.Matches(@"^accuracy \d+\.\d ?%, AUC \d\.\d{3}$", rows[3][1]);
        Assert.Matches(@"^\d+ MB; reloaded scores identical on 28 of 28 held-out reviews$", rows[4][1]);
        Assert.StartsWith("4 steps, last training loss ", rows[5][1]);
        Assert.Matches(@"^exact match \d+\.\d, F1 \d+\.\d$", rows[6][1]);

        var answer = AnswerPattern().Match(SampleApp.Line(printed, "A: "));
        Assert.True(answer.Success, printed);
        int start = int.Parse(answer.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.Equal(context[start..int.Parse(answer.Groups[3].Value, CultureInfo.InvariantCulture)], answer.Groups[1].Value);
        Assert.Equal($"\"{answer.Groups[1].Value}\"", rows[7][1]);
        var ml = new MLContext();
        var engine = ml.Model.CreatePredictionEngine<QaInput, QaOutput>(ml.Model.Load(Path.Combine(output, "QuestionAnswering.zip"), out _));
        Assert.Equal(answer.Groups[1].Value, engine.Predict(new QaInput { Question = "Where was Marie Curie born?", Context = context }).Answer);

        using var stories = ml.Transforms.ImportLlama2c(SampleApp.RepoRoot + "/datasets/weights/stories260K/stories260K.bin",
            SampleApp.RepoRoot + "/datasets/weights/stories260K/tok512.bin", generation: new GenerationOptions { Temperature = 0, MaxNewTokens = 60 });
        string story = ("Once upon a time" + stories.Generate("Once upon a time")).ReplaceLineEndings(" ");
        Assert.Equal("Story: " + story, SampleApp.Line(printed, "Story: "));
        Assert.Equal($"\"{story[..60]}...\"", rows[8][1]);
        Assert.True(File.Exists(Path.Combine(output, "SentimentAnalysis.zip")));
    }

    // The rows of the summary table (box-drawing or ASCII borders), cells trimmed: step, result, time.
    private static List<string[]> SummaryRows(string printed) =>
        printed.Split('\n').Select(l => l.TrimEnd('\r'))
            .SkipWhile(l => !l.Contains("Step", StringComparison.Ordinal) || !l.Contains("Result", StringComparison.Ordinal)).Skip(1)
            .Select(l => l.Split('│', '|'))
            .Where(cells => cells.Length == 5)
            .Select(cells => cells[1..4].Select(c => c.Trim()).ToArray())
            .ToList();

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
