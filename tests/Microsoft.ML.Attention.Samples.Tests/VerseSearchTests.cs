using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Samples.Tests;

/// <summary>The VerseSearch sample: fine-tune on a slice of KJV ↔ RV1909 pairs, save, reload, search Spanish verses with an English query.</summary>
public sealed class VerseSearchTests
{
    private const string Query = "Come to me at Nicopolis, where I have decided to spend the winter.";
    private const string Titus312 = "Cuando enviare á ti á Artemas, ó á Tichîco, procura venir á mí, á Nicópolis: porque allí he determinado invernar.";

    [Fact]
    public void VerseSearch_quick_mode_finds_the_Spanish_verse_about_Nicopolis_and_its_saved_zip_gives_the_printed_similarity()
    {
        string output = SampleApp.NewOutputFolder("verses");

        string printed = SampleApp.RunQuick("VerseSearch", output, "--query", Query);

        Assert.Contains("Fine-tuning all-MiniLM-L6-v2 on 32 King James / Reina-Valera 1909 verse pairs (quick mode)", printed);
        Assert.Contains("Embedded 46 Spanish verses", printed);
        Assert.Matches(@"King James -> Reina-Valera over these 46 verses: recall@1 \d+\.\d ?%, MRR@10 0\.\d{3}", printed);
        var hits = printed.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l != $"Query: \"{Query}\"").Skip(1).Take(3).Select(l => l.Trim()).ToList();
        Assert.Equal(3, hits.Count);
        Assert.Equal("Titus 3:12  " + Titus312, hits[0][(hits[0].IndexOf(' ') + 2)..]);
        var similarities = hits.Select(h => double.Parse(h.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(similarities.OrderByDescending(s => s), similarities);

        // The saved .zip, loaded here, embeds the query and the verse as the app did: the same cosine to the printed three decimals.
        var ml = new MLContext();
        var engine = ml.Model.CreatePredictionEngine<Text, Embedding>(ml.Model.Load(Path.Combine(output, "VerseSearch.zip"), out _));
        float[] query = engine.Predict(new Text { English = Query }).Vector;
        float[] verse = engine.Predict(new Text { English = Titus312 }).Vector;
        double cosine = query.Zip(verse, (a, b) => (double)a * b).Sum();
        Assert.Equal(similarities[0].ToString("F3", CultureInfo.InvariantCulture), cosine.ToString("F3", CultureInfo.InvariantCulture));
    }

    private sealed class Text
    {
        public string English { get; set; } = "";
    }

    private sealed class Embedding
    {
        [ColumnName("Embedding")]
        public float[] Vector { get; set; } = [];
    }
}
