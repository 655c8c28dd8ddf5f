using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.SentenceSimilarity"/>: a <see cref="SequenceClassifier"/> with one output (its logit is the score) over one
/// text column or a pair of text columns.
/// </summary>
internal sealed class SentenceSimilaritySpec : TaskSpec<SequenceClassifier>
{
    public const string ScoreColumnName = "Score";

    /// <summary>The ONNX output [batch, 1]: the regressor's one logit, which the scorer reads on either engine.</summary>
    public const string ScoreOutput = "score";

    public SentenceSimilaritySpec(string textColumnName, string? secondTextColumnName, PoolingKind pooling)
    {
        TextColumnName = textColumnName;
        SecondTextColumnName = secondTextColumnName;
        Pooling = pooling;
    }

    public string TextColumnName { get; }
    public string? SecondTextColumnName { get; }
    public PoolingKind Pooling { get; }

    public override TransformerTask Task => TransformerTask.SentenceSimilarity;

    public override IReadOnlyList<string> InputColumnNames => SecondTextColumnName is null ? [TextColumnName] : [TextColumnName, SecondTextColumnName];

    /// <summary>The task's network: a <see cref="SequenceClassifier"/> with one output and fresh weights.</summary>
    public override SequenceClassifier CreateNetwork(TransformerConfig config) => new(config, classCount: 1, Pooling);

    public override ITaskScorer CreateScorer(TaskModel<SequenceClassifier> model, InferenceSettings settings) => new SentenceSimilarityScorer(model, this, settings);

    /// <summary>ONNX output <c>score</c> [batch, 1]: the classifier's one logit on the pooled state.</summary>
    public override void WriteOnnxOutputs(OnnxHeadWriter writer)
    {
        var pooled = writer.Pool(Pooling, writer.EncoderHidden()); // [B, D]
        var score = writer.Backbone.Linear(pooled, writer.Weights.Get("classifier.weight"), writer.Weights.Get("classifier.bias")); // [B, 1]
        writer.Output(ScoreOutput, score, perToken: false, 1);
    }

    // *** Binary format ***
    // string: text column name
    // bool: has a second text column; then string: its name
    // int: pooling (PoolingKind)
    public override void Save(BinaryWriter writer)
    {
        writer.Write(TextColumnName);
        writer.Write(SecondTextColumnName is not null);
        if (SecondTextColumnName is not null)
            writer.Write(SecondTextColumnName);
        writer.Write((int)Pooling);
    }

    public static SentenceSimilaritySpec Load(BinaryReader reader)
    {
        string text = reader.ReadString();
        string? second = reader.ReadBoolean() ? reader.ReadString() : null;
        var pooling = (PoolingKind)reader.ReadInt32();
        if (!Enum.IsDefined(pooling))
            throw new InvalidDataException($"The saved model names an unknown pooling ({(int)pooling}).");
        return new SentenceSimilaritySpec(text, second, pooling);
    }
}
