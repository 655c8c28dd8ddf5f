using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.TokenClassification;

/// <summary>Tiny token-classification options and real Brown sentences as rows, for the task's tests, its contract sample and its fixture.</summary>
internal static class TokenClassificationData
{
    /// <summary>A sentence as one text ("Text", split on white space), its Brown tags and its IOB2 NAME tags.</summary>
    public sealed class SentenceRow
    {
        public string Text { get; set; } = "";
        public string[] Tags { get; set; } = [];
        public string[] Names { get; set; } = [];
    }

    /// <summary>A sentence as a vector of words, with its Brown tags and its IOB2 NAME tags.</summary>
    public sealed class WordsRow
    {
        public string[] Words { get; set; } = [];
        public string[] Tags { get; set; } = [];
        public string[] Names { get; set; } = [];
    }

    /// <summary>WordPiece (bert-base-uncased vocabulary), one small layer, windows of 32 positions (stride 16), words in "Text", labels in "Tags".</summary>
    public static TransformerTextOptions Tiny(int maxSteps = 0, int epochs = 1)
    {
        var options = TinyModels.MaskedLm(epochs);
        options.Task = TransformerTask.TokenClassification;
        options.Tokenizer = TokenizerKind.WordPiece;
        options.VocabularyPath = Tokenization.WordPieceTokenizerTests.VocabularyPath;
        options.Model = options.Model with { MaxSequenceLength = 32 };
        options.MaxSteps = maxSteps;
        options.BatchSize = 8;
        options.LearningRate = 1e-2;
        options.TokenClassification = new TokenClassificationOptions { WordsColumnName = "Text", LabelColumnName = "Tags", Stride = 16 };
        return options;
    }

    /// <summary>Brown sentences <paramref name="skip"/> on with at most <paramref name="maxWords"/> words, as text rows.</summary>
    public static List<SentenceRow> Sentences(int count, int skip = 0, int maxWords = 40) => [.. BrownSample.All.Skip(skip)
        .Where(s => s.Fields[0].Length <= maxWords).Take(count)
        .Select(s => new SentenceRow { Text = string.Join(' ', s.Fields[0]), Tags = s.Fields[1], Names = s.Fields[2] })];

    /// <summary>
    /// Every window of <paramref name="sentences"/> as the model's scorer packs them ([CLS] tokens [SEP], padded), as an encoded batch,
    /// and each position's word shape when the model has case features (null otherwise): what its ONNX export is fed.
    /// </summary>
    public static (EncodedBatch Batch, long[]? Shapes) Windows(TransformerTextTransformer model, IEnumerable<string[]> sentences)
    {
        var aligner = ((TokenClassificationSpec)model.Spec).CreateAligner(model.Tokenizer, model.Config.MaxSequenceLength);
        var aligned = sentences.Select(aligner.Align).ToList();
        var windows = aligned.SelectMany(s => Enumerable.Range(0, s.Windows.Count).Select(w => (s, w))).ToList();
        using var scope = NewDisposeScope();
        var (ids, mask, shapes) = aligner.Tensors(windows, CPU);   // [B, T] each
        int batch = (int)ids.shape[0], length = (int)ids.shape[1];
        var batchOf = new EncodedBatch(batch, length, ids.data<long>().ToArray(), mask.data<long>().ToArray(), new long[batch * length],
            [.. windows.Select(w => w.s.WindowLength(w.w))], truncatedRowCount: 0);
        return (batchOf, shapes?.data<long>().ToArray());
    }

    /// <summary>As <see cref="Sentences"/>, with the words as a vector.</summary>
    public static List<WordsRow> Words(int count, int skip = 0, int maxWords = 40) => [.. Sentences(count, skip, maxWords)
        .Select(r => new WordsRow { Words = r.Text.Split(' '), Tags = r.Tags, Names = r.Names })];
}
