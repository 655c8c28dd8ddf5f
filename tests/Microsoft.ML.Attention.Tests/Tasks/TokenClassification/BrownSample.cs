using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.TokenClassification;

/// <summary>The Brown corpus in CoNLL columns (word, Brown tag, NAME span), read once per test run, and the bert-base-uncased tokenizer.</summary>
internal static class BrownSample
{
    private static readonly Lazy<List<ConllSentence>> Sentences = new(() => ConllReader.ReadSentences(TestData.Path("token-classification", "brown", "brown.conll"), out _));
    private static readonly Lazy<TextTokenizer> WordPiece = new(() => TextTokenizer.CreateWordPiece(TestData.Path("vocab", "bert-base-uncased", "vocab.txt")));

    public static string Path { get; } = TestData.Path("token-classification", "brown", "brown.conll");

    /// <summary>Every sentence of the file, in order.</summary>
    public static IReadOnlyList<ConllSentence> All => Sentences.Value;

    /// <summary>bert-base-uncased's WordPiece tokenizer (lower-cased, accents stripped).</summary>
    public static TextTokenizer Tokenizer => WordPiece.Value;

    /// <summary>The words of sentence <paramref name="index"/>.</summary>
    public static string[] Words(int index) => All[index].Fields[0];
}
