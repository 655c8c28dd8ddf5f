using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Tests.Translation;

/// <summary>Real verse pairs (King James English → Reina-Valera 1909 Spanish) and tiny translation options for fast tests.</summary>
internal static class TranslationData
{
    /// <summary>A source/target row as the estimator reads it: English in <c>Text</c>, Spanish in <c>Target</c>.</summary>
    public sealed class Row
    {
        public string Text { get; set; } = "";
        public string Target { get; set; } = "";
    }

    /// <summary>The first <paramref name="count"/> verses of <c>datasets/parallel/bible/verses.tsv</c> (Book, Chapter, Verse, KJV, WEB, RV1909).</summary>
    public static List<Row> Verses(int count) =>
        [.. File.ReadLines(TestData.Path("parallel", "bible", "verses.tsv")).Skip(1).Take(count)
            .Select(line => line.Split('\t')).Select(v => new Row { Text = v[3], Target = v[5] })];

    /// <summary>
    /// A one-layer encoder–decoder (the tiny masked-LM config: width 32, 2 heads, 64 positions) with a 512-piece subword vocabulary,
    /// beam size 2 and 8 new tokens.
    /// </summary>
    public static TransformerTextOptions Tiny(int maxSteps = 2)
    {
        var options = TinyModels.MaskedLm();
        options.Task = TransformerTask.Translation;
        options.Tokenizer = TokenizerKind.Subword;
        options.Translation = new TranslationOptions { VocabularySize = 512, BeamSize = 2, MaxNewTokens = 8 };
        options.MaxSteps = maxSteps;
        options.BatchSize = 8;
        return options;
    }
}
