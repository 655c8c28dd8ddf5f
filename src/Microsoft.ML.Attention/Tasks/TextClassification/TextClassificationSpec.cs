using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// <see cref="TransformerTask.TextClassification"/>: a <see cref="SequenceClassifier"/> over one text column or a pair of text
/// columns, with a binary head (one logit) for a Boolean label or a C-way head for a key-typed label.
/// </summary>
internal sealed class TextClassificationSpec : TaskSpec<SequenceClassifier>
{
    public const string ScoreColumnName = "Score";
    public const string PredictedLabelColumnName = "PredictedLabel";
    public const string ProbabilityColumnName = "Probability";

    /// <summary>The ONNX output [batch, C] of the head's logits (C = 1 for a binary label), which the scorer reads on either engine.</summary>
    public const string LogitsOutput = "logits";

    public TextClassificationSpec(string textColumnName, string? secondTextColumnName, TextClassificationLabel label, PoolingKind pooling)
    {
        TextColumnName = textColumnName;
        SecondTextColumnName = secondTextColumnName;
        Label = label;
        Pooling = pooling;
    }

    public string TextColumnName { get; }
    public string? SecondTextColumnName { get; }
    public TextClassificationLabel Label { get; }
    public PoolingKind Pooling { get; }

    public override TransformerTask Task => TransformerTask.TextClassification;

    public override IReadOnlyList<string> InputColumnNames => SecondTextColumnName is null ? [TextColumnName] : [TextColumnName, SecondTextColumnName];

    /// <summary>The task's network: a <see cref="SequenceClassifier"/> with fresh weights and a head of <see cref="TextClassificationLabel.HeadSize"/> outputs.</summary>
    public override SequenceClassifier CreateNetwork(TransformerConfig config) => new(config, Label.HeadSize, Pooling);

    public override ITaskScorer CreateScorer(TaskModel<SequenceClassifier> model, InferenceSettings settings) =>
        new TextClassificationScorer(model, this, settings);

    /// <summary>ONNX outputs <c>logits</c> and <c>probabilities</c> [batch, C] (sigmoid of the one logit of a binary head, softmax otherwise).</summary>
    public override void WriteOnnxOutputs(OnnxHeadWriter writer)
    {
        var graph = writer.Graph;
        var pooled = writer.Pool(Pooling, writer.EncoderHidden()); // [B, D]
        var logits = writer.Backbone.Linear(pooled, writer.Weights.Get("classifier.weight"), writer.Weights.Get("classifier.bias")); // [B, C]
        var probabilities = Label.HeadSize == 1
            ? graph.Node("Sigmoid", [logits])
            : graph.Node("Softmax", [logits], OnnxGraphBuilder.Attribute("axis", 1L));
        writer.Output(LogitsOutput, logits, perToken: false, Label.HeadSize);
        writer.Output("probabilities", probabilities, perToken: false, Label.HeadSize);
    }

    // *** Binary format ***
    // string: text column name
    // bool: has a second text column; then string: its name
    // int: pooling (PoolingKind)
    // TextClassificationLabel (binary flag, class count, optional key values)
    public override void Save(BinaryWriter writer)
    {
        writer.Write(TextColumnName);
        writer.Write(SecondTextColumnName is not null);
        if (SecondTextColumnName is not null)
            writer.Write(SecondTextColumnName);
        writer.Write((int)Pooling);
        Label.Save(writer);
    }

    public static TextClassificationSpec Load(BinaryReader reader)
    {
        string text = reader.ReadString();
        string? second = reader.ReadBoolean() ? reader.ReadString() : null;
        var pooling = (PoolingKind)reader.ReadInt32();
        if (!Enum.IsDefined(pooling))
            throw new InvalidDataException($"The saved model names an unknown pooling ({(int)pooling}).");
        return new TextClassificationSpec(text, second, TextClassificationLabel.Load(reader), pooling);
    }
}
