using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;

namespace Microsoft.ML.Attention.Tasks;

/// <summary><see cref="TransformerTask.MaskedLanguageModeling"/>: a masked-LM network whose backbone turns text into a pooled embedding.</summary>
internal sealed class MaskedLanguageModelingSpec : TaskSpec
{
    public MaskedLanguageModelingSpec(string textColumnName, string outputColumnName, PoolingKind pooling)
    {
        TextColumnName = textColumnName;
        OutputColumnName = outputColumnName;
        Pooling = pooling;
    }

    public string TextColumnName { get; }
    public string OutputColumnName { get; }
    public PoolingKind Pooling { get; }

    public override TransformerTask Task => TransformerTask.MaskedLanguageModeling;

    public override IReadOnlyList<string> InputColumnNames => [TextColumnName];

    /// <summary>The task's network: a <see cref="MaskedLanguageModel"/> with fresh weights.</summary>
    public static MaskedLanguageModel CreateLanguageModel(TransformerConfig config) => new(config);

    public override TaskNetwork CreateNetwork(TransformerConfig config) => TaskNetwork.Of(CreateLanguageModel(config));

    public override IRowScorer CreateScorer(TransformerTextModel model, InferencePrecision precision) =>
        new MaskedLanguageModelingScorer(model, new InferenceNetwork(model, this, precision), TextColumnName, OutputColumnName, Pooling);

    // *** Binary format ***
    // string: text column name
    // string: output column name
    // int: pooling (PoolingKind)
    public override void Save(BinaryWriter writer)
    {
        writer.Write(TextColumnName);
        writer.Write(OutputColumnName);
        writer.Write((int)Pooling);
    }

    public static MaskedLanguageModelingSpec Load(BinaryReader reader)
    {
        string text = reader.ReadString();
        string output = reader.ReadString();
        var pooling = (PoolingKind)reader.ReadInt32();
        if (!Enum.IsDefined(pooling))
            throw new InvalidDataException($"The saved model names an unknown pooling ({(int)pooling}).");
        return new MaskedLanguageModelingSpec(text, output, pooling);
    }
}
