using System.Text;
using Microsoft.ML.Attention.Tests.Reliability;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

/// <summary>
/// Seeded property test: thousands of random strings (<see cref="RandomText"/>: every plane, lone surrogates, controls, RTL, CJK,
/// combining marks, emoji ZWJ sequences, empty and whitespace rows, a few 100,000-character rows) through every tokenizer backend.
/// </summary>
public class RandomTextTokenizerTests
{
    private const int RowCount = 1500;

    public static TheoryData<TokenizerKind> Kinds => [TokenizerKind.Gpt2, TokenizerKind.WordPiece, TokenizerKind.Character, TokenizerKind.Llama2c];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Random_text_encodes_to_valid_ids_and_offsets_inside_the_text_and_decodes(TokenizerKind kind)
    {
        var rows = Rows(seed: 100 + (int)kind);
        TextTokenizer tokenizer = Create(kind, rows);
        foreach (string text in rows)
        {
            int[] ids = tokenizer.Encode(text);
            Assert.All(ids, id => Assert.InRange(id, 0, tokenizer.VocabularySize - 1));
            Assert.True(text.Length == 0 || ids.Length > 0 || string.IsNullOrWhiteSpace(text) || kind == TokenizerKind.WordPiece,
                $"{kind}: no tokens for a non-blank text of {text.Length} characters.");

            TokenSpan[] spans = tokenizer.EncodeWithOffsets(text);
            int previousStart = 0;
            foreach (var span in spans)
            {
                Assert.InRange(span.Id, 0, tokenizer.VocabularySize - 1);
                Assert.InRange(span.Start, previousStart, text.Length);
                Assert.InRange(span.Length, 0, text.Length - span.Start);
                previousStart = span.Start;
            }

            if (kind != TokenizerKind.WordPiece)
            {
                // Same tokenizer call, with and without offsets (WordPiece normalizes per character for offsets: see its remarks).
                Assert.Equal(ids, spans.Select(s => s.Id));
            }

            string decoded = tokenizer.Decode(ids);
            if (RoundTrips(kind))
            {
                // Special-token text in the input ("<|endoftext|>") encodes to its id (documented), so it is kept when decoding.
                Assert.Equal(WellFormed(text, kind), kind == TokenizerKind.Character ? decoded : tokenizer.Decode(ids, skipSpecialTokens: false));
            }

            if (ids.Length > 1000)
            {
                continue;   // the stream decoder re-decodes the whole sequence per id (its documented cost): generation lengths only
            }

            var stream = tokenizer.CreateStreamDecoder();
            var streamed = new StringBuilder();
            foreach (int id in ids)
            {
                streamed.Append(stream.Append(id));
            }

            Assert.Equal(decoded, streamed.Append(stream.Flush()).ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Random_text_pairs_encode_into_batches_within_the_maximum_length(TokenizerKind kind)
    {
        var rows = Rows(seed: 200 + (int)kind);
        TextTokenizer tokenizer = Create(kind, rows);
        const int maxLength = 24;
        for (int at = 0; at + 16 <= rows.Count; at += 16)
        {
            var first = rows.Skip(at).Take(8).ToList<string?>();
            var second = rows.Skip(at + 8).Take(8).ToList<string?>();
            var pairs = BatchEncoder.EncodeForEncoder(tokenizer, first, maxLength, second);
            var singles = BatchEncoder.EncodeForEncoder(tokenizer, first, maxLength);
            var prompts = BatchEncoder.EncodeForDecoder(tokenizer, first, maxLength);
            foreach (var batch in new[] { pairs, singles, prompts })
            {
                Assert.Equal(8, batch.BatchSize);
                Assert.InRange(batch.SequenceLength, 1, maxLength);
                Assert.Equal(batch.BatchSize * batch.SequenceLength, batch.InputIds.Length);
                Assert.All(batch.Lengths, l => Assert.InRange(l, 1, batch.SequenceLength));
                Assert.All(batch.InputIds, id => Assert.InRange(id, 0L, tokenizer.VocabularySize - 1L));
            }

            Assert.All(pairs.Lengths, l => Assert.True(l >= 3));
        }
    }

    /// <summary>The seeded rows: <see cref="RowCount"/> random rows and two 100,000-character rows.</summary>
    internal static List<string> Rows(int seed)
    {
        var random = new RandomText(seed);
        var rows = Enumerable.Range(0, RowCount).Select(_ => random.Next()).ToList();
        rows.Add(random.Long(100_000));
        rows.Add(random.Long(100_000));
        return rows;
    }

    // The character vocabulary is built from the rows themselves, so every well-formed character of them is known.
    private static TextTokenizer Create(TokenizerKind kind, IReadOnlyList<string> rows) => kind switch
    {
        TokenizerKind.Gpt2 => Gpt2TokenizerTests.Gpt2.Value,
        TokenizerKind.WordPiece => WordPieceTokenizerTests.BertUncased.Value,
        TokenizerKind.Character => TextTokenizer.CreateCharacter(rows),
        _ => Llama2cTokenizerTests.Tok512.Value,
    };

    // Byte-level BPE, byte-fallback SentencePiece and a complete character vocabulary lose nothing but ill-formed UTF-16.
    private static bool RoundTrips(TokenizerKind kind) => kind != TokenizerKind.WordPiece;

    // The text as it survives a lossless tokenizer: lone surrogates become U+FFFD through UTF-8 (GPT-2, llama2.c), or are
    // unknown characters that decoding skips (character level).
    private static string WellFormed(string text, TokenizerKind kind)
    {
        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result.Append(text, i++, 2);
            }
            else if (char.IsSurrogate(text[i]))
            {
                if (kind != TokenizerKind.Character)
                {
                    result.Append('\uFFFD');
                }
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }
}
