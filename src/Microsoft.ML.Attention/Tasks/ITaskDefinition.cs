using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// What the ML.NET plumbing knows about one <see cref="TransformerTask"/>: the options it reads, its output schema, its
/// <c>Fit</c>, and how its saved <see cref="TaskSpec"/> is read back. One implementation per task folder, registered in
/// <see cref="TaskRegistry"/>.
/// </summary>
internal interface ITaskDefinition
{
    /// <summary>The task this definition implements (its saved integer value never changes).</summary>
    TransformerTask Task { get; }

    /// <summary>
    /// The task-specific <see cref="TransformerTextOptions"/> this task reads (names from <see cref="TaskOptions"/>); the others are
    /// reported as ignored when set.
    /// </summary>
    IReadOnlySet<string> OptionsRead { get; }

    /// <summary>
    /// The text columns that every input row needs, checked by the estimator before <see cref="GetOutputSchema"/> and <see cref="Fit"/>.
    /// Default: <see cref="TransformerTextOptions.TextColumnName"/>.
    /// </summary>
    IReadOnlyList<TaskInputColumn> InputColumns(TransformerTextOptions options) => [new(options.TextColumnName)];

    /// <summary>Checks the options that only this task constrains; messages name the option and its value. Default: nothing to check.</summary>
    void Validate(TransformerTextOptions options)
    {
    }

    /// <summary>
    /// Why the ONNX Runtime engine (<see cref="InferenceEngine.OnnxRuntime"/>) does not score this task, as a sentence; null (default)
    /// when its scorer runs through the task's ONNX export (<see cref="TaskSpec.WriteOnnxOutputs"/>).
    /// </summary>
    string? OnnxRuntimeUnsupported => null;

    /// <summary>The input schema plus the task's output columns (the <see cref="InputColumns"/> are already checked).</summary>
    SchemaShape GetOutputSchema(IExceptionContext host, SchemaShape inputSchema, TransformerTextOptions options);

    /// <summary>Trains the task's network on <paramref name="input"/> (the <see cref="InputColumns"/> are already checked).</summary>
    TrainedTask Fit(FitSession session, IDataView input);

    /// <summary>Reads the settings written by the task's <see cref="TaskSpec.Save"/>.</summary>
    TaskSpec LoadSpec(BinaryReader reader);
}
