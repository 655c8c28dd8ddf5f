using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;

namespace Microsoft.ML.Attention.Tasks;

/// <summary><see cref="TransformerTask.SentenceEmbedding"/>: a <see cref="SentenceEncoder"/> that turns the text column into one embedding per row.</summary>
internal sealed class SentenceEmbeddingSpec : TaskSpec<SentenceEncoder>
{
    public SentenceEmbeddingSpec(string textColumnName, string outputColumnName, PoolingKind pooling, bool normalize)
    {
        TextColumnName = textColumnName;
        OutputColumnName = outputColumnName;
        Pooling = pooling;
        Normalize = normalize;
    }

    public string TextColumnName { get; }
    public string OutputColumnName { get; }
    public PoolingKind Pooling { get; }

    /// <summary>Whether each embedding is scaled to unit L2 norm.</summary>
    public bool Normalize { get; }

    public override TransformerTask Task => TransformerTask.SentenceEmbedding;

    public override IReadOnlyList<string> InputColumnNames => [TextColumnName];

    /// <summary>The task's network: a <see cref="SentenceEncoder"/> with fresh weights (state-dict keys <c>backbone.*</c> only).</summary>
    public override SentenceEncoder CreateNetwork(TransformerConfig config) => new(config, Pooling, Normalize);

    public override ITaskScorer CreateScorer(TaskModel<SentenceEncoder> model, InferenceSettings settings) => new SentenceEmbeddingScorer(model, this, settings);

    /// <summary>ONNX outputs <c>last_hidden_state</c> [batch, sequence, D] and <c>sentence_embedding</c> [batch, D], as <c>ImportEncoder</c>'s models export.</summary>
    public override void WriteOnnxOutputs(OnnxHeadWriter writer) => writer.SentenceEmbedding(Pooling, Normalize);

    // *** Binary format ***
    // string: text column name
    // string: output column name
    // int: pooling (PoolingKind)
    // bool: L2-normalize
    public override void Save(BinaryWriter writer)
    {
        writer.Write(TextColumnName);
        writer.Write(OutputColumnName);
        writer.Write((int)Pooling);
        writer.Write(Normalize);
    }

    public static SentenceEmbeddingSpec Load(BinaryReader reader)
    {
        string text = reader.ReadString();
        string output = reader.ReadString();
        var pooling = (PoolingKind)reader.ReadInt32();
        if (!Enum.IsDefined(pooling))
            throw new InvalidDataException($"The saved model names an unknown pooling ({(int)pooling}).");
        return new SentenceEmbeddingSpec(text, output, pooling, reader.ReadBoolean());
    }
}
