using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Contract;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Engines;

/// <summary>
/// <see cref="InferenceEngine.OnnxRuntime"/> for every registered task (the contract samples: tiny models, fixed seeds, real rows):
/// Transform and the row mapper that PredictionEngine uses equal TorchSharp's float32 Transform within 1e-4 (labels, keys and text
/// exactly), or, for a task ONNX Runtime does not score, asking for it fails naming the task and the engine while
/// <see cref="InferenceEngine.Automatic"/> scores with TorchSharp.
/// </summary>
public sealed class InferenceEngineContractTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [MemberData(nameof(TaskContractTests.Tasks), MemberType = typeof(TaskContractTests))]
    public void OnnxRuntime_Transform_and_PredictionEngine_equal_TorchSharp_float32_or_refuse_naming_the_task(TransformerTask task)
    {
        var ml = new MLContext(seed: 1);
        var (options, data) = ContractSamples.For(ml, task);
        using var model = ml.Transforms.AttentionEncoder(options).Fit(data);
        Assert.Equal(InferenceEngine.TorchSharp, model.InferenceEngine);
        var expected = OutputRows.Read(model.Transform(data), model.OutputColumnNames);

        if (TaskRegistry.Get(task).OnnxRuntimeUnsupported is not null)
        {
            var refused = Assert.Throws<NotSupportedException>(() => model.WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Float32));
            Assert.Contains(task.ToString(), refused.Message, StringComparison.Ordinal);
            Assert.Contains("InferenceEngine is OnnxRuntime", refused.Message, StringComparison.Ordinal);
            options.InferenceEngine = InferenceEngine.OnnxRuntime;
            var atCreation = Assert.Throws<NotSupportedException>(() => ml.Transforms.AttentionEncoder(options));
            Assert.Contains("TransformerTextOptions.InferenceEngine", atCreation.Message, StringComparison.Ordinal);
            using var automatic = model.WithInference(InferenceEngine.Automatic, InferencePrecision.Float32);
            Assert.Equal(InferenceEngine.TorchSharp, automatic.InferenceEngine);
            return;
        }

        using var onnx = model.WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Float32, threadCount: 1);
        Assert.Equal(InferenceEngine.OnnxRuntime, onnx.InferenceEngine);
        Assert.Equal(model.OutputColumnNames, onnx.OutputColumnNames);
        OutputAssert.SameRows(expected, OutputRows.Read(onnx.Transform(data), onnx.OutputColumnNames), Tolerance);
        OutputAssert.SameRows(expected, OutputRows.RowByRow(onnx, data), Tolerance);
    }
}
