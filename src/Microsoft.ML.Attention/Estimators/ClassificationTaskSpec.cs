using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention;

/// <summary>
/// <see cref="TransformerTask.TextClassification"/>: a <see cref="SequenceClassifier"/> over one text column or a pair of text
/// columns, with a binary head (one logit) for a Boolean label or a C-way head for a key-typed label.
/// </summary>
internal sealed class ClassificationTaskSpec : TaskSpec
{
    public const string ScoreColumnName = "Score";
    public const string PredictedLabelColumnName = "PredictedLabel";
    public const string ProbabilityColumnName = "Probability";

    public ClassificationTaskSpec(string textColumnName, string? secondTextColumnName, ClassificationLabel label, PoolingKind pooling)
    {
        TextColumnName = textColumnName;
        SecondTextColumnName = secondTextColumnName;
        Label = label;
        Pooling = pooling;
    }

    public string TextColumnName { get; }
    public string? SecondTextColumnName { get; }
    public ClassificationLabel Label { get; }
    public PoolingKind Pooling { get; }

    public override TransformerTask Task => TransformerTask.TextClassification;

    public override IReadOnlyList<string> InputColumnNames => SecondTextColumnName is null ? [TextColumnName] : [TextColumnName, SecondTextColumnName];

    public override nn.Module CreateNetwork(TransformerConfig config) => new SequenceClassifier(config, Label.HeadSize, Pooling);

    public override IRowScorer CreateScorer(TransformerTextModel model, int inferenceBatchSize, InferencePrecision precision) =>
        new ClassificationScorer(model, new InferenceNetwork(model, this, precision), this);

    // *** Binary format ***
    // string: text column name
    // bool: has a second text column; then string: its name
    // int: pooling (PoolingKind)
    // ClassificationLabel (binary flag, class count, optional key values)
    public override void Save(BinaryWriter writer)
    {
        writer.Write(TextColumnName);
        writer.Write(SecondTextColumnName is not null);
        if (SecondTextColumnName is not null)
            writer.Write(SecondTextColumnName);
        writer.Write((int)Pooling);
        Label.Save(writer);
    }

    public static ClassificationTaskSpec Load(BinaryReader reader)
    {
        string text = reader.ReadString();
        string? second = reader.ReadBoolean() ? reader.ReadString() : null;
        var pooling = (PoolingKind)reader.ReadInt32();
        if (!Enum.IsDefined(pooling))
            throw new InvalidDataException($"The saved model names an unknown pooling ({(int)pooling}).");
        return new ClassificationTaskSpec(text, second, ClassificationLabel.Load(reader), pooling);
    }
}
