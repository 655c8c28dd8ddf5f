using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention;

/// <summary>
/// Everything task-specific that a <see cref="TransformerTextTransformer"/> keeps: its columns and head settings, the network it
/// builds for a config, and the scorer that fills its output columns. Saved with the model (see <see cref="Save"/>).
/// One subclass per <see cref="TransformerTask"/>.
/// </summary>
internal abstract class TaskSpec
{
    public abstract TransformerTask Task { get; }

    /// <summary>The text columns the transformer reads.</summary>
    public abstract IReadOnlyList<string> InputColumnNames { get; }

    /// <summary>A network with fresh weights for this task.</summary>
    public abstract nn.Module CreateNetwork(TransformerConfig config);

    /// <summary>
    /// The scorer that fills the output columns, running the network at <paramref name="precision"/> where the task supports it
    /// (the encoder tasks; generation runs in float32). A scorer that is <see cref="IDisposable"/> owns tensors of its own.
    /// </summary>
    public abstract IRowScorer CreateScorer(TransformerTextModel model, int inferenceBatchSize, InferencePrecision precision);

    /// <summary>Writes the task's settings (column names, head sizes, label names, ...).</summary>
    public abstract void Save(BinaryWriter writer);

    /// <summary>Reads the settings written by <see cref="Save"/> for <paramref name="task"/>.</summary>
    public static TaskSpec Load(TransformerTask task, BinaryReader reader) => task switch
    {
        TransformerTask.MaskedLanguageModeling => EmbeddingTaskSpec.Load(reader),
        TransformerTask.CausalLanguageModeling => GenerationTaskSpec.Load(reader),
        TransformerTask.TextClassification => ClassificationTaskSpec.Load(reader),
        _ => throw new InvalidDataException($"The saved model names an unknown task ({(int)task}); it was written by a newer Microsoft.ML.Attention."),
    };
}
