using System.Globalization;

namespace Microsoft.ML.Attention.Samples.Tests;

public partial class SampleAppTests
{
    [Fact]
    public void NamedEntities_quick_mode_trains_on_Brown_names_and_prints_the_entities_its_saved_zip_finds()
    {
        string output = SampleApp.NewOutputFolder("names");
        const string sentence = "Mrs. Robinson flew from Atlanta to New York .";

        string printed = SampleApp.RunQuick("NamedEntities", output, "--text", sentence);

        Assert.Contains("Data: 48 Brown training sentences, 40 test sentences (quick mode)", printed);
        Assert.Matches(@"NAME precision \d+\.\d ?%, recall \d+\.\d ?%, F1 \d+\.\d ?%; tag accuracy \d+\.\d ?%", printed);
        string zip = Path.Combine(output, "NamedEntities.zip");
        Assert.True(File.Exists(zip));
        var ml = new MLContext();
        var engine = ml.Model.CreatePredictionEngine<NamesInput, NamesOutput>(ml.Model.Load(zip, out _));
        var expected = engine.Predict(new NamesInput { Sentence = sentence });

        Assert.Equal(sentence.Split(' ').Length, expected.PredictedLabel.Length);
        Assert.All(expected.PredictedLabel, tag => Assert.Contains(tag, new[] { "B-NAME", "I-NAME", "O" }));
        Assert.Equal($"Tags: {string.Join(' ', expected.PredictedLabel)}", SampleApp.Line(printed, "Tags:"));
        Assert.Equal($"Names: {expected.Entities.Length}", SampleApp.Line(printed, "Names:"));
        var lines = printed.Split('\n').SkipWhile(l => !l.StartsWith("Names:", StringComparison.Ordinal)).Skip(1)
            .Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.Equal(expected.Entities.Length, lines.Count);
        for (int e = 0; e < expected.Entities.Length; e++)
        {
            Assert.Equal(sentence.Substring(expected.EntityStarts[e], expected.EntityLengths[e]), expected.Entities[e]);
            Assert.Equal(string.Create(CultureInfo.InvariantCulture,
                $"  {expected.EntityTypes[e]} \"{expected.Entities[e]}\" at {expected.EntityStarts[e]} (length {expected.EntityLengths[e]}, score {expected.EntityScores[e]:F3})"),
                lines[e]);
        }
    }

    private sealed class NamesInput
    {
        public string Sentence { get; set; } = "";
    }

    private sealed class NamesOutput
    {
        public string[] PredictedLabel { get; set; } = [];
        public string[] Entities { get; set; } = [];
        public string[] EntityTypes { get; set; } = [];
        public int[] EntityStarts { get; set; } = [];
        public int[] EntityLengths { get; set; } = [];
        public float[] EntityScores { get; set; } = [];
    }
}
