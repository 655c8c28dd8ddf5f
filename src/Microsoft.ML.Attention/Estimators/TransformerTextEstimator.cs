using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

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
/// | Output columns (TextClassification) | key label: `PredictedLabel` (key), `Score` (vector of `Single`); Boolean label: `PredictedLabel` (`Boolean`), `Score`, `Probability` (`Single`) |
/// | Exportable to ONNX | No |
/// | NuGet package | Microsoft.ML.Attention |
/// ]]></format>
/// Create it with <c>mlContext.Transforms.AttentionEncoder(...)</c>.
/// </remarks>
public sealed class TransformerTextEstimator : IEstimator<TransformerTextTransformer>
{
    private readonly IHost _host;
    private readonly TransformerTextOptions _options;

    internal TransformerTextEstimator(IHostEnvironment env, TransformerTextOptions options)
    {
        Contracts.CheckValue(env, nameof(env));
        _host = env.Register(nameof(TransformerTextEstimator));
        _host.CheckValue(options, nameof(options));
        OptionsValidation.Validate(options);
        _options = options;
    }

    /// <summary>Trains the network on <paramref name="input"/> and returns the transformer.</summary>
    public TransformerTextTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        SchemaChecks.CheckTextColumn(_host, input.Schema, _options.TextColumnName, nameof(input));
        using var channel = _host.Start("Fit");
        using var session = new FitSession(_host, _options, channel);
        return _options.Task switch
        {
            TransformerTask.MaskedLanguageModeling => MaskedLanguageModelFitter.Fit(session, input),
            TransformerTask.CausalLanguageModeling => CausalLanguageModelFitter.Fit(session, input),
            TransformerTask.TextClassification => TextClassificationFitter.Fit(session, input),
            _ => throw new ArgumentOutOfRangeException(nameof(TransformerTextOptions.Task), _options.Task, "Unknown task."),
        };
    }

    /// <summary>The input schema plus the output column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        SchemaChecks.CheckTextColumn(_host, inputSchema, _options.TextColumnName, nameof(inputSchema));
        if (_options.Task == TransformerTask.TextClassification)
            return TextClassificationFitter.GetOutputSchema(_host, inputSchema, _options);
        var columns = inputSchema.ToDictionary(c => c.Name);
        if (_options.Task == TransformerTask.CausalLanguageModeling)
        {
            string generated = _options.OutputColumnName ?? CausalLanguageModelFitter.DefaultOutputColumnName;
            columns[generated] = new SchemaShape.Column(generated, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, isKey: false);
            return new SchemaShape(columns.Values);
        }
        string output = _options.OutputColumnName ?? MaskedLanguageModelFitter.DefaultOutputColumnName;
        columns[output] = new SchemaShape.Column(output, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, isKey: false);
        return new SchemaShape(columns.Values);
    }
}
