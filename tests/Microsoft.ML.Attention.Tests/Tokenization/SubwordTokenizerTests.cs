using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

public class SubwordTokenizerTests
{
    /// <summary>The aligned Bible verses: Book, Chapter, Verse, KJV, WEB, RV1909.</summary>
    internal static readonly Lazy<string[][]> Verses = new(() =>
        File.ReadLines(TestData.Path("parallel", "bible", "verses.tsv")).Skip(1).Select(line => line.Split('\t')).ToArray());

    /// <summary>A joint English/Spanish vocabulary learned from the first 3,000 verses of the King James and Reina-Valera texts.</summary>
    internal static readonly Lazy<TextTokenizer> Bible = new(() =>
        TextTokenizer.TrainSubword(Verses.Value.Take(3000).SelectMany(v => new[] { v[3], v[5] }), vocabularySize: 3000));

    [Fact]
    public void Accented_Spanish_and_English_verses_round_trip_exactly_including_books_not_trained_on()
    {
        var tokenizer = Bible.Value;
        var rows = Verses.Value;
        var sample = rows.Take(200).Concat(rows.Where(v => v[0] is "Jonah" or "Phil")).ToList(); // Jonah and Philippians lie after verse 3,000

        foreach (var verse in sample)
        {
            foreach (var text in new[] { verse[3], verse[5] })
            {
                var ids = tokenizer.Encode(text);
                Assert.DoesNotContain(tokenizer.Special.Unk, ids);
                Assert.Equal(text, tokenizer.Decode(ids));
            }
        }
    }

    [Fact]
    public void Accents_and_case_are_kept_as_learned_pieces_not_bytes()
    {
        var tokenizer = Bible.Value;

        var ids = tokenizer.Encode("Y el Espíritu de Dios se movía");

        Assert.All(ids, id => Assert.True(id >= SubwordBackend.FirstLearnedId, $"id {id} is a special or byte piece"));
        Assert.Single(tokenizer.Encode("Dios"));        // a frequent word is one piece (with its space)
        Assert.NotEqual(tokenizer.Encode("dios"), tokenizer.Encode("Dios"));
        Assert.Equal("Espíritu", tokenizer.Decode(tokenizer.Encode("Espíritu")));
    }

    [Fact]
    public void Characters_never_seen_fall_back_to_bytes_and_still_round_trip()
    {
        var tokenizer = Bible.Value;
        const string text = "naïve ☃ 🎉  two  spaces\tand a tab";

        var ids = tokenizer.Encode(text);

        Assert.Contains(ids, id => id >= SubwordBackend.FirstByteId && id < SubwordBackend.FirstLearnedId);
        Assert.Equal(text, tokenizer.Decode(ids));
    }

    [Fact]
    public void Training_is_deterministic_and_saved_vocabularies_encode_identically()
    {
        var corpus = Verses.Value.Take(400).SelectMany(v => new[] { v[3], v[5] }).ToList();
        var first = TextTokenizer.TrainSubword(corpus, vocabularySize: 800);
        var second = TextTokenizer.TrainSubword(corpus, vocabularySize: 800);
        using var stream = new MemoryStream();
        first.Save(new BinaryWriter(stream));
        stream.Position = 0;
        var loaded = TextTokenizer.Load(new BinaryReader(stream));
        const string text = "Y dijo Dios: Sea la luz; y fué la luz. And God said, Let there be light.";

        Assert.Equal(800, first.VocabularySize);
        Assert.Equal(first.Encode(text), second.Encode(text));
        Assert.Equal(first.Encode(text), loaded.Encode(text));
        Assert.Equal((TokenizerKind.Subword, 800, 800), (loaded.Kind, loaded.VocabularySize, loaded.BaseVocabularySize));
        Assert.Equal(first.Special, loaded.Special);
    }

    [Fact]
    public void Special_tokens_are_left_out_of_the_text_unless_asked_for()
    {
        var tokenizer = Bible.Value;
        var special = tokenizer.Special;
        int[] ids = [special.Bos, .. tokenizer.Encode("la luz"), special.Eos, special.Pad];

        Assert.Equal("la luz", tokenizer.Decode(ids));
        Assert.Equal((0, 1, 2, 3, 4), (special.Unk, special.Bos, special.Eos, special.Pad, special.Mask));
    }

    [Theory]
    [InlineData(511)]
    [InlineData((1 << 20) + 1)]
    public void Vocabulary_size_out_of_range_is_rejected_by_name(int size)
    {
        var error = Assert.Throws<ArgumentException>(() => TextTokenizer.TrainSubword(["a b"], size));

        Assert.Equal("vocabularySize", error.ParamName);
    }
}
