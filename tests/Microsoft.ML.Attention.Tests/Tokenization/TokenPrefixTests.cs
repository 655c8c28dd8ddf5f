using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

/// <summary>
/// <see cref="TokenPrefix"/>: truncating callers tokenize only what they keep. On real text the kept tokens are exactly those of
/// tokenizing the whole text; on a 10 MB row the characters tokenized are bounded by the tokens wanted (counted, not timed).
/// </summary>
public class TokenPrefixTests
{
    public static TheoryData<string> Kinds => ["Gpt2", "WordPiece", "Llama2c", "Character"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Long_real_rows_keep_exactly_the_first_tokens_of_the_whole_text(string kind)
    {
        var tokenizer = Tokenizer(kind);
        foreach (string text in LongRealRows())
        {
            int[] whole = tokenizer.Encode(text);
            var wholeSpans = tokenizer.EncodeWithOffsets(text);
            foreach (int count in new[] { 1, 7, 62, 126, 382, 510 })
            {
                int[] prefix = tokenizer.EncodeAtLeast(text, count);
                Assert.True(prefix.Length >= Math.Min(count, whole.Length), $"{kind}: {prefix.Length} tokens for {count}");
                if (text.Length > (long)TokenPrefix.MaxCharactersPerToken * count)
                    Assert.True(prefix.Length < whole.Length, $"{kind}: the {text.Length:N0}-character row was tokenized whole for {count} tokens");
                Assert.Equal(whole[..prefix.Length], prefix);
                var spans = tokenizer.EncodeWithOffsetsAtLeast(text, count);
                Assert.Equal(wholeSpans[..spans.Length], spans);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Encoder_batches_of_long_rows_equal_whole_text_tokenization_truncated(string kind)
    {
        var tokenizer = Tokenizer(kind);
        var rows = LongRealRows().Concat(TinyModels.YelpRows(20).Select(r => r.Text)).ToList();
        var batch = BatchEncoder.EncodeForEncoder(tokenizer, rows, maxLength: 128);
        for (int i = 0; i < rows.Count; i++)
        {
            int[] whole = tokenizer.Encode(rows[i]);
            int[] expected = [tokenizer.Special.Bos, .. whole.Take(126), tokenizer.Special.Eos];
            Assert.Equal(expected.Select(id => (long)id), batch.InputIds.Skip(i * batch.SequenceLength).Take(expected.Length));
        }

        Assert.Equal(rows.Count(r => tokenizer.Encode(r).Length > 126), batch.TruncatedRowCount);
    }

    [Theory]
    [InlineData("reviews")]
    [InlineData("spaces")]
    [InlineData("one word")]
    [InlineData("emoji")]
    public void A_ten_megabyte_row_costs_a_bounded_prefix_of_characters(string content)
    {
        string text = TenMegabytes(content);
        foreach (string kind in new[] { "Gpt2", "WordPiece" })
        {
            var tokenizer = Tokenizer(kind);
            long characters = 0;
            int tries = 0;
            int[] tokens = TokenPrefix.Encode(text, 511, s => { characters += s.Length; tries++; return tokenizer.Encode(s); }, ids => ids.Length);

            // At most 8 + 16 + 32 + 64 characters per wanted token over all tries, whatever the row's length.
            Assert.True(characters <= 120L * 511, $"{kind}, {content}: {characters:N0} characters tokenized in {tries} tries");
            Assert.All(tokens, id => Assert.InRange(id, 0, tokenizer.VocabularySize - 1));
            if (content == "reviews")
            {
                Assert.Equal(1, tries);   // ordinary text: one try of 8 characters per token
                Assert.True(tokens.Length >= 511);
            }

            var batch = BatchEncoder.EncodeForEncoder(tokenizer, [text], maxLength: 512);
            Assert.InRange(batch.SequenceLength, 2, 512);
        }
    }

    private static string TenMegabytes(string content)
    {
        const int length = 10 << 20;
        return content switch
        {
            "reviews" => Repeat(string.Join(" ", TinyModels.YelpRows(200).Select(r => r.Text)) + " ", length),
            "spaces" => new string(' ', length),
            "one word" => new string('a', length),
            _ => Repeat("😀", length),
        };
    }

    private static string Repeat(string unit, int length) => string.Concat(Enumerable.Repeat(unit, length / unit.Length + 1))[..length];

    // Real paragraphs (SQuAD dev, WikiText-2, yelp) joined into rows of 30,000 to 60,000 characters: long enough that the prefix is cut.
    private static IEnumerable<string> LongRealRows()
    {
        var paragraphs = SquadReader.ReadExamples(TestData.Path("qa", "squad-v1.1", "dev-v1.1.json")).Select(e => e.Context).Distinct().ToList();
        yield return string.Join("\n", paragraphs.Take(40));
        yield return string.Join(" ", paragraphs.Skip(40).Take(60));
        yield return string.Join("\n\n", TinyModels.WikiTextLines("valid", 300));
        yield return string.Join("\t", TinyModels.YelpRows(1000).Select(r => r.Text));
    }

    private static TextTokenizer Tokenizer(string kind) => kind switch
    {
        "Gpt2" => Gpt2TokenizerTests.Gpt2.Value,
        "WordPiece" => WordPieceTokenizerTests.BertUncased.Value,
        "Llama2c" => Llama2cTokenizerTests.Tok512.Value,
        _ => Characters.Value,
    };

    private static readonly Lazy<TextTokenizer> Characters = new(() => TextTokenizer.CreateCharacter(LongRealRows()));
}
