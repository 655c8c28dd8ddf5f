using System.Text.Json;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Tokenization;

/// <summary>
/// Our tokenizers against Hugging Face's own on 152 real and tricky sentences. The reference ids in Fixtures/hf-tokenizer-ids.json
/// were written by tools/reference/make_tokenizer_fixture.py with Hugging Face `tokenizers` 0.23.2 (BertWordPieceTokenizer with
/// bert-base-uncased's vocab.txt, lowercase; ByteLevelBPETokenizer with GPT-2's encoder.json and vocab.bpe).
/// </summary>
public class HuggingFaceParityTests
{
    private sealed record Row(string Text, int[] Wordpiece, int[] Gpt2);

    private static readonly List<Row> Rows = Load();

    private static List<Row> Load()
    {
        string path = Path.Combine(TestData.RepoRoot, "tests", "Microsoft.ML.Attention.Tests", "Tokenization", "Fixtures", "hf-tokenizer-ids.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("rows").EnumerateArray().Select(r => new Row(
            r.GetProperty("text").GetString()!,
            r.GetProperty("wordpiece").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            r.GetProperty("gpt2").EnumerateArray().Select(e => e.GetInt32()).ToArray())).ToList();
    }

    [Fact]
    public void Gpt2_ids_equal_hugging_face_byte_level_bpe()
    {
        var tokenizer = TextTokenizer.CreateGpt2();
        // Microsoft.ML.Tokenizers encodes the text "<|endoftext|>" as the special token 50256 (as GPT-2's own tokenizer does when
        // specials are allowed); the plain Hugging Face BPE model has no special tokens. Every other row must match exactly.
        var rows = Rows.Where(r => !r.Text.Contains("<|endoftext|>")).ToList();
        Assert.Equal(151, rows.Count);
        var mismatches = rows.Where(r => !tokenizer.Encode(r.Text).SequenceEqual(r.Gpt2)).Select(r => r.Text).ToList();
        Assert.Empty(mismatches);
    }

    [Fact]
    public void WordPiece_ids_equal_hugging_face_bert_uncased()
    {
        var tokenizer = TextTokenizer.CreateWordPiece(TestData.Path("vocab", "bert-base-uncased", "vocab.txt"));
        var mismatches = Rows.Where(r => !tokenizer.Encode(r.Text).SequenceEqual(r.Wordpiece))
            .Select(r => Describe(r.Text, tokenizer.Encode(r.Text), r.Wordpiece)).ToList();
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatches:\n" + string.Join("\n", mismatches));
    }

    private static string Describe(string text, int[] ours, int[] reference)
    {
        int at = 0;
        while (at < ours.Length && at < reference.Length && ours[at] == reference[at])
            at++;
        return $"'{text[..Math.Min(40, text.Length)]}...' first difference at token {at}: ours [{string.Join(", ", ours.Skip(Math.Max(0, at - 2)).Take(6))}]"
            + $" vs [{string.Join(", ", reference.Skip(Math.Max(0, at - 2)).Take(6))}]";
    }
}
