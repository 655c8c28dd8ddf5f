using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Samples.Tests;

public partial class SampleAppTests
{
    [Fact]
    public void Translation_quick_mode_scores_BLEU_saves_a_zip_that_translates_as_printed_and_shows_one_attention_line_per_token()
    {
        string output = SampleApp.NewOutputFolder("translation");
        const string text = "And God saw the light, that it was good.";

        string printed = SampleApp.RunQuick("Translation", output, "--text", text);

        var scores = TestScores().Match(SampleApp.Line(printed, "2. Test books (12 verses):"));
        Assert.True(scores.Success, printed);
        Assert.InRange(double.Parse(scores.Groups[1].Value, CultureInfo.InvariantCulture), 0.0, 100.0);
        Assert.InRange(double.Parse(scores.Groups[2].Value, CultureInfo.InvariantCulture), 0.0, 100.0);
        string zip = Path.Combine(output, "Translation.zip");
        Assert.True(File.Exists(zip));
        var ml = new MLContext();
        using var model = (TransformerTextTransformer)ml.Model.Load(zip, out _);
        var engine = ml.Model.CreatePredictionEngine<EnglishVerse, SpanishVerse>(model);
        string translation = engine.Predict(new EnglishVerse { English = text }).Translation;
        Assert.Equal($"3. Translation: \"{text}\" -> \"{translation}\"", SampleApp.Line(printed, "3. Translation:"));
        // One line per written token (its end token included), each naming a source token of the text.
        int tokens = model.GetCrossAttentionWeights(text).TargetTokens.Count;
        var lines = printed.Split('\n').SkipWhile(l => !l.Contains("looked at most", StringComparison.Ordinal)).Skip(1)
            .Where(l => l.Contains(" <- ", StringComparison.Ordinal)).ToList();
        Assert.Equal(tokens, lines.Count);
    }

    [GeneratedRegex(@"BLEU (\d+\.\d\d), chrF (\d+\.\d\d)")]
    private static partial Regex TestScores();

    private sealed class EnglishVerse
    {
        public string English { get; set; } = "";
    }

    private sealed class SpanishVerse
    {
        [ColumnName("Translation")]
        public string Translation { get; set; } = "";
    }
}
