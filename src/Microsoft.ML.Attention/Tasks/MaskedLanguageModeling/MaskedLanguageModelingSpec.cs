using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;

namespace Microsoft.ML.Attention.Tasks;

/// <summary><see cref="TransformerTask.MaskedLanguageModeling"/>: a masked-LM network whose backbone turns text into a pooled embedding.</summary>
internal sealed class MaskedLanguageModelingSpec : TaskSpec<MaskedLanguageModel>
{
    public MaskedLanguageModelingSpec(string textColumnName, string outputColumnName, PoolingKind pooling, bool normalize = false)
    {
        TextColumnName = textColumnName;
        OutputColumnName = outputColumnName;
        Pooling = pooling;
        Normalize = normalize;
    }

    public string TextColumnName { get; }
    public string OutputColumnName { get; }
    public PoolingKind Pooling { get; }

    /// <summary>Whether each embedding is scaled to unit L2 norm (sentence-transformers models are used that way).</summary>
    public bool Normalize { get; }

    /// <summary>The export writes the sentence embedding this task's scorer writes, not the masked-LM head.</summary>
    public override void WriteOnnxOutputs(OnnxHeadWriter writer) => writer.SentenceEmbedding(Pooling, Normalize);

    public override TransformerTask Task => TransformerTask.MaskedLanguageModeling;

    public override IReadOnlyList<string> InputColumnNames => [TextColumnName];

    /// <summary>The task's network: a <see cref="MaskedLanguageModel"/> with fresh weights.</summary>
    public override MaskedLanguageModel CreateNetwork(TransformerConfig config) => new(config);

    public override ITaskScorer CreateScorer(TaskModel<MaskedLanguageModel> model, InferenceSettings settings) =>
        new MaskedLanguageModelingScorer(model, this, settings);

    // *** Binary format ***
    // string: text column name
    // string: output column name
    // int: pooling (PoolingKind)
    // bool: L2-normalize; optional, absent (models saved before pretrained encoders could be imported) = false
    public override void Save(BinaryWriter writer)
    {
        writer.Write(TextColumnName);
        writer.Write(OutputColumnName);
        writer.Write((int)Pooling);
        writer.Write(Normalize);
    }

    public static MaskedLanguageModelingSpec Load(BinaryReader reader)
    {
        string text = reader.ReadString();
        string output = reader.ReadString();
        var pooling = (PoolingKind)reader.ReadInt32();
        if (!Enum.IsDefined(pooling))
            throw new InvalidDataException($"The saved model names an unknown pooling ({(int)pooling}).");
        return new MaskedLanguageModelingSpec(text, output, pooling, ReadOptionalNormalize(reader));
    }

    private static bool ReadOptionalNormalize(BinaryReader reader)
    {
        try
        {
            return reader.ReadBoolean();
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
