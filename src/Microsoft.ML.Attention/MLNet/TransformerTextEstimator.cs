using Microsoft.ML.Attention.MLNet;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Attention;

/// <summary>
/// Trains a transformer on a text column during <c>Fit</c> (see <see cref="TransformerTask"/>) and returns a
/// <see cref="TransformerTextTransformer"/> that adds the task's output columns.
/// </summary>
/// <remarks>
/// <format type="text/markdown"><![CDATA[
/// | | |
/// | -- | -- |
/// | Does this estimator need to look at the data to train its parameters? | Yes |
/// | Input column data type | Text (`string`) |
/// | Output column data type (MaskedLanguageModeling) | Known-size vector of `Single` (the model dimension) |
/// | Output column data type (CausalLanguageModeling) | Text (`string`): the generated continuation of the prompt |
/// | Output columns (QuestionAnswering) | input columns `Question`, `Context` (text); `Answer` (text), `AnswerStart` (`Int32`), `Score` (`Single`) |
/// | Output columns (TextClassification) | key label: `PredictedLabel` (key), `Score` (vector of `Single`); Boolean label: `PredictedLabel` (`Boolean`), `Score`, `Probability` (`Single`) |
/// | Exportable to ONNX | Yes: `TransformerTextTransformer.ExportToOnnx` (the network; tokenization stays in .NET) |
/// | NuGet package | Microsoft.ML.Attention (and Microsoft.ML.Attention.OnnxRuntime for `InferenceEngine.OnnxRuntime`) |
/// ]]></format>
/// Create it with <c>mlContext.Transforms.AttentionEncoder(...)</c>.
/// </remarks>
public sealed class TransformerTextEstimator : IEstimator<TransformerTextTransformer>
{
    private readonly IHost _host;
    private readonly TransformerTextOptions _options;
    private readonly ITaskDefinition _task;

    internal TransformerTextEstimator(IHostEnvironment env, TransformerTextOptions options)
    {
        Contracts.CheckValue(env, nameof(env));
        _host = env.Register(nameof(TransformerTextEstimator));
        _host.CheckValue(options, nameof(options));
        OptionsValidation.Validate(options);
        _task = TaskRegistry.Get(options.Task);
        _task.Validate(options);
        // Before training: an engine that cannot score this task or precision (or is not in the application) fails now, not after Fit.
        EngineSelection.Resolve(options.InferenceEngine, _task.OnnxRuntimeUnsupported is null ? options.InferencePrecision : InferencePrecision.Float32,
            options.Task, nameof(TransformerTextOptions));
        _options = options;
        using var channel = _host.Start("Options");
        foreach (string message in IgnoredOptions.Find(options, _task))
            channel.Warning(message);
    }

    /// <summary>
    /// Trains the network on <paramref name="input"/> and returns the transformer. When the process exits, or gets SIGINT (Ctrl+C) or
    /// SIGTERM, while <c>Fit</c> runs, the step in progress finishes and training stops before the process ends (see docs/reliability.md).
    /// </summary>
    public TransformerTextTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        foreach (var column in _task.InputColumns(_options))
            SchemaChecks.CheckInputColumn(_host, input.Schema, column, nameof(input));
        using var exitGuard = new Training.ProcessExitGuard();
        using var channel = _host.Start("Fit");
        using var initial = InitialModelLoader.Load(_options);
        using var session = new FitSession(_host, _options, channel, exitGuard.Token, initial?.Model);
        try
        {
            var trained = _task.Fit(session, input);
            try
            {
                return new TransformerTextTransformer(_host, trained, _options.InferenceBatchSize, _options.InferenceEngine, _options.ThreadCount, nameof(TransformerTextOptions));
            }
            catch
            {
                trained.Model.Dispose();
                throw;
            }
        }
        catch (OperationCanceledException) when (exitGuard.ProcessIsExiting)
        {
            exitGuard.Park();
            throw;
        }
    }

    /// <summary>The input schema plus the task's output columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        foreach (var column in _task.InputColumns(_options))
            SchemaChecks.CheckInputColumn(_host, inputSchema, column, nameof(inputSchema));
        return _task.GetOutputSchema(_host, inputSchema, _options);
    }
}
