using System.Globalization;
using System.Text;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

/// <summary>
/// <c>EncodeWithOffsets</c>: the same ids as <c>Encode</c>, and each token's span of the original text is the token's text (modulo
/// the tokenizer's normalization), on real SQuAD paragraphs with accents, punctuation, CJK and runs of spaces.
/// </summary>
public class TokenOffsetTests
{
    private static readonly Lazy<List<string>> Paragraphs = new(() =>
    {
        var contexts = SquadReader.ReadExamples(TestData.Path("qa", "squad-v1.1", "dev-v1.1.json")).Select(e => e.Context).Distinct().ToList();
        // Every paragraph with a non-ASCII character or a run of spaces, plus the first 50.
        return contexts.Where(c => c.Any(ch => ch > 127) || c.Contains("  ", StringComparison.Ordinal)).Concat(contexts.Take(50)).Distinct().ToList();
    });

    private const string Handmade = "Frédéric  Chopin's \"Étude\" (Op. 10)\tcost £5—naïve—in Zürich… 大元 ok 🎹 end";

    [Fact]
    public void WordPiece_spans_are_the_lower_cased_accent_stripped_text_of_each_piece()
    {
        var tokenizer = WordPieceTokenizerTests.BertUncased.Value;
        foreach (var (text, spans) in Encoded(tokenizer, Paragraphs.Value.Append(Handmade)))
        {
            foreach (var span in spans.Where(s => s.Id != tokenizer.Special.Unk))
            {
                string piece = tokenizer.Decode([span.Id]);
                piece = piece.StartsWith("##", StringComparison.Ordinal) ? piece[2..] : piece;
                Assert.True(StripAccents(text.Substring(span.Start, span.Length).ToLowerInvariant()) == piece,
                    $"'{text.Substring(span.Start, span.Length)}' at {span.Start} is not the text of token '{piece}' in: {text}");
            }
        }
    }

    [Fact]
    public void WordPiece_continuation_pieces_map_to_their_own_characters()
    {
        var tokenizer = WordPieceTokenizerTests.BertUncased.Value;
        const string text = "The  unaffable Zürich";

        var spans = tokenizer.EncodeWithOffsets(text);

        // the una ##ffa ##ble zurich
        Assert.Equal(["The", "una", "ffa", "ble", "Zürich"], spans.Select(s => text.Substring(s.Start, s.Length)));
    }

    [Fact]
    public void Gpt2_spans_tile_the_text_and_each_is_the_token_text()
    {
        var tokenizer = Gpt2TokenizerTests.Gpt2.Value;
        foreach (var (text, spans) in Encoded(tokenizer, Paragraphs.Value.Append(Handmade)))
        {
            Assert.Equal(text.Length, spans[^1].End);
            foreach (var span in spans)
            {
                string piece = tokenizer.Decode([span.Id]);
                if (!piece.Contains('\uFFFD'))
                    Assert.Equal(piece, text.Substring(span.Start, span.Length));
            }
        }
    }

    [Fact]
    public void Character_spans_are_one_character_each_and_a_surrogate_pair_is_one()
    {
        string[] texts = [.. Paragraphs.Value.Take(20), Handmade];
        var tokenizer = TextTokenizer.CreateCharacter(texts);
        foreach (string text in texts)
        {
            var spans = tokenizer.EncodeWithOffsets(text);
            Assert.Equal(tokenizer.Encode(text), spans.Select(s => s.Id));
            Assert.Equal(text, string.Concat(spans.Select(s => text.Substring(s.Start, s.Length))));
            Assert.All(spans, s => Assert.Equal(tokenizer.Decode([s.Id]), text.Substring(s.Start, s.Length)));
        }
        Assert.Equal(2, tokenizer.EncodeWithOffsets("🎹").Single().Length);
    }

    [Fact]
    public void Llama2c_spans_leave_out_the_dummy_prefix_and_cover_the_text()
    {
        var tokenizer = Llama2cTokenizerTests.Tok512.Value;
        foreach (var (text, spans) in Encoded(tokenizer, Paragraphs.Value.Take(20).Append(Handmade)))
        {
            Assert.Equal(0, spans[0].Start);
            Assert.Equal(text.Length, spans[^1].End);
        }
        var once = tokenizer.EncodeWithOffsets("Once upon a time");
        Assert.Equal("Once upon a time", string.Concat(once.Select(s => "Once upon a time".Substring(s.Start, s.Length))).Replace("  ", " "));
    }

    [Fact]
    public void Empty_text_has_no_tokens()
    {
        Assert.Empty(Gpt2TokenizerTests.Gpt2.Value.EncodeWithOffsets(""));
        Assert.Empty(WordPieceTokenizerTests.BertUncased.Value.EncodeWithOffsets(null));
    }

    // Each text with its spans, after checking that the ids are Encode's and the spans lie in order inside the text.
    private static IEnumerable<(string Text, TokenSpan[] Spans)> Encoded(TextTokenizer tokenizer, IEnumerable<string> texts)
    {
        foreach (string text in texts)
        {
            var spans = tokenizer.EncodeWithOffsets(text);
            Assert.Equal(tokenizer.Encode(text), spans.Select(s => s.Id));
            AssertOrdered(text, spans);
            yield return (text, spans);
        }
    }

    private static void AssertOrdered(string text, TokenSpan[] spans)
    {
        for (int i = 0; i < spans.Length; i++)
        {
            Assert.InRange(spans[i].Start, 0, text.Length);
            Assert.InRange(spans[i].End, spans[i].Start, text.Length);
            if (i > 0)
                Assert.True(spans[i].Start >= spans[i - 1].Start, $"span {i} starts before span {i - 1}");
        }
    }

    private static string StripAccents(string text) => new(text.Normalize(NormalizationForm.FormD)
        .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark).ToArray());
}
