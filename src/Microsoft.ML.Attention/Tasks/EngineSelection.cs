namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Resolves <see cref="InferenceEngine"/> for a task and a precision into the engine that scores, or fails naming the option, its value
/// and what to change. The one place that knows which engine runs which precision and task.
/// </summary>
internal static class EngineSelection
{
    /// <summary>
    /// The rules: a task that ONNX Runtime does not run (<see cref="ITaskDefinition.OnnxRuntimeUnsupported"/>) scores with TorchSharp, and
    /// asking for <see cref="InferenceEngine.OnnxRuntime"/> there fails naming the task. <see cref="InferencePrecision.Int8"/> runs on ONNX
    /// Runtime only, <see cref="InferencePrecision.BFloat16"/> on TorchSharp only. <see cref="InferenceEngine.Automatic"/> picks the engine
    /// measured faster for the precision (ONNX Runtime for float32 when the companion package is there). Asking for ONNX Runtime without
    /// the package fails naming the package.
    /// </summary>
    /// <param name="engine">The engine asked for.</param>
    /// <param name="precision">The precision asked for.</param>
    /// <param name="task">The model's task.</param>
    /// <param name="optionsClass">Where the choice was made, for messages (<c>TransformerTextOptions</c>, <c>ImportEncoderOptions</c>, a method name).</param>
    /// <returns><see cref="InferenceEngine.TorchSharp"/> or <see cref="InferenceEngine.OnnxRuntime"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An undefined value, or a precision the engine does not run.</exception>
    /// <exception cref="NotSupportedException">ONNX Runtime asked for a task it does not run.</exception>
    /// <exception cref="InvalidOperationException">ONNX Runtime needed, the package Microsoft.ML.Attention.OnnxRuntime not in the application.</exception>
    public static InferenceEngine Resolve(InferenceEngine engine, InferencePrecision precision, TransformerTask task, string optionsClass)
    {
        const string engineOption = nameof(TransformerTextOptions.InferenceEngine), precisionOption = nameof(TransformerTextOptions.InferencePrecision);
        OptionChecks.Require(Enum.IsDefined(engine), optionsClass, engineOption, engine, "is not an InferenceEngine");
        OptionChecks.Require(Enum.IsDefined(precision), optionsClass, precisionOption, precision, "is not an InferencePrecision");
        string? unsupported = TaskRegistry.Get(task).OnnxRuntimeUnsupported;
        if (unsupported is not null)
        {
            if (engine == InferenceEngine.OnnxRuntime)
            {
                throw new NotSupportedException(
                    $"{optionsClass}.{engineOption} is {engine}, but the ONNX Runtime engine does not score {task}: {unsupported} " +
                    $"Use {nameof(InferenceEngine)}.{nameof(InferenceEngine.TorchSharp)} (or {nameof(InferenceEngine.Automatic)}, which scores it with TorchSharp).");
            }
            return InferenceEngine.TorchSharp;   // these tasks ignore the precision (generation runs in float32)
        }
        var resolved = (precision, engine) switch
        {
            (InferencePrecision.Int8, InferenceEngine.TorchSharp) => throw new ArgumentOutOfRangeException(precisionOption, precision,
                $"{optionsClass}.{precisionOption} Int8 runs on ONNX Runtime only (TorchSharp has no quantized linear layer), but {optionsClass}.{engineOption} " +
                $"is {engine}: set {engineOption} to {nameof(InferenceEngine.OnnxRuntime)} or {nameof(InferenceEngine.Automatic)}."),
            (InferencePrecision.BFloat16, InferenceEngine.OnnxRuntime) => throw new ArgumentOutOfRangeException(precisionOption, precision,
                $"{optionsClass}.{precisionOption} BFloat16 runs on TorchSharp only, but {optionsClass}.{engineOption} is {engine}: the ONNX Runtime engine runs " +
                $"{nameof(InferencePrecision.Float32)} and {nameof(InferencePrecision.Int8)}; use {nameof(InferenceEngine.TorchSharp)} or {nameof(InferenceEngine.Automatic)} for BFloat16."),
            (InferencePrecision.Int8, _) => InferenceEngine.OnnxRuntime,
            (InferencePrecision.BFloat16, _) => InferenceEngine.TorchSharp,
            (_, InferenceEngine.Automatic) => OnnxRuntimeEngineLocator.IsAvailable ? InferenceEngine.OnnxRuntime : InferenceEngine.TorchSharp,
            _ => engine,
        };
        if (resolved == InferenceEngine.OnnxRuntime)
            OnnxRuntimeEngineLocator.Find($"{optionsClass}.{engineOption} {engine} with {precisionOption} {precision}");
        return resolved;
    }
}
