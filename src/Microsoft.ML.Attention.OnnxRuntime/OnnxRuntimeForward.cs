using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.OnnxRuntime;

/// <summary>
/// A transformer's forward pass under ONNX Runtime: owns an <see cref="InferenceSession"/> over exported model bytes and runs the
/// token inputs (<c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>, [B, T] int64) to the model's named float outputs.
/// Inputs are passed to ONNX Runtime from the batch's arrays without a copy, and each output is written by ONNX Runtime straight into a
/// TorchSharp float32 CPU tensor (IOBinding), so a scorer reads the same tensors as from the TorchSharp network. Thread-safe: each
/// <see cref="Run"/> binds its own inputs and outputs.
/// </summary>
public sealed class OnnxRuntimeForward : IDisposable, IExportedForward
{
    private static readonly Dictionary<string, Func<EncodedBatch, long[]>> Inputs = new()
    {
        [OnnxBackboneWriter.InputIds] = batch => batch.InputIds,
        [OnnxBackboneWriter.AttentionMask] = batch => batch.AttentionMask,
        [OnnxBackboneWriter.TokenTypeIds] = batch => batch.TokenTypeIds,
    };

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;

    /// <summary>Opens an ONNX Runtime session (CPU) over <paramref name="model"/>.</summary>
    /// <param name="model">The serialized ONNX model: <see cref="ExportModel"/>, or the bytes of a file <c>ExportToOnnx</c> wrote.</param>
    /// <param name="threadCount">ONNX Runtime's intra-op threads (1 or more); inter-op execution is sequential.</param>
    /// <param name="optimizationLevel">ONNX Runtime's graph optimizations (default all; its transformer fusions run from <c>ORT_ENABLE_EXTENDED</c>).</param>
    /// <param name="optimizedModelPath">Where ONNX Runtime writes the graph it optimized (null = nowhere), to inspect which fusions applied.</param>
    /// <param name="profilePrefix">ONNX Runtime's profiling output prefix (null = no profiling); <see cref="EndProfiling"/> writes the file.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threadCount"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The model lacks a token input other than <c>token_type_ids</c>, or has an input this engine does not feed.</exception>
    public OnnxRuntimeForward(byte[] model, int threadCount = 1, GraphOptimizationLevel optimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        string? optimizedModelPath = null, string? profilePrefix = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threadCount,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = optimizationLevel,
        };
        if (optimizedModelPath is not null)
            options.OptimizedModelFilePath = optimizedModelPath;
        if (profilePrefix is not null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = profilePrefix;
        }
        _session = new InferenceSession(model, options);
        _inputNames = [.. _session.InputMetadata.Keys];
        // Inputs other than the token inputs are a task's per-position int64 inputs (e.g. word_shape_ids), fed from EncodedBatch.TaskInputs.
        var unknown = _inputNames.Where(name => !Inputs.ContainsKey(name) && !IsTaskInput(_session.InputMetadata[name])).ToArray();
        if (unknown.Length > 0 || !_inputNames.Contains(OnnxBackboneWriter.InputIds) || !_inputNames.Contains(OnnxBackboneWriter.AttentionMask))
        {
            _session.Dispose();
            throw new ArgumentException(
                $"The model's inputs are [{string.Join(", ", _inputNames)}]; this engine feeds input_ids and attention_mask (and token_type_ids and a task's own inputs), [batch, sequence] int64.",
                nameof(model));
        }
        OutputNames = [.. _session.OutputMetadata.Keys];
        ThreadCount = threadCount;
    }

    /// <summary>The model's output names, in graph order (e.g. <c>last_hidden_state</c>, <c>sentence_embedding</c>; <c>logits</c>, <c>probabilities</c>).</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The intra-op thread count the session was opened with.</summary>
    public int ThreadCount { get; }

    /// <summary>
    /// The bytes of the network of <paramref name="transformer"/> as an ONNX model of the form <paramref name="graph"/>, built in memory
    /// from its float32 weights (whatever its <see cref="InferencePrecision"/>), with the inputs and outputs of <c>ExportToOnnx</c>.
    /// </summary>
    /// <exception cref="NotSupportedException">The transformer's task or an option of its configuration has no ONNX mapping (the message names it).</exception>
    public static byte[] ExportModel(TransformerTextTransformer transformer, OnnxRuntimeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        if (!Enum.IsDefined(graph))
            throw new ArgumentOutOfRangeException(nameof(graph), graph, $"{nameof(OnnxRuntimeGraph)} is Standard, Fused or Int8.");
        return OnnxEngineModel.Build(transformer.Model.Network, transformer.Model.Config, transformer.Spec.WriteOnnxOutputs, EngineGraph(graph));
    }

    /// <summary>The exporter's form for <paramref name="graph"/>.</summary>
    internal static OnnxEngineGraph EngineGraph(OnnxRuntimeGraph graph) => graph switch
    {
        OnnxRuntimeGraph.Fused => OnnxEngineGraph.Fused,
        OnnxRuntimeGraph.Int8 => OnnxEngineGraph.Int8,
        _ => OnnxEngineGraph.Standard,
    };

    /// <summary>Runs the model on <paramref name="batch"/>.</summary>
    /// <param name="batch">Token ids, mask and types, [B, T] (right-padded, as <see cref="BatchEncoder"/> writes them).</param>
    /// <param name="outputs">The outputs to compute; none = all of <see cref="OutputNames"/>.</param>
    /// <returns>
    /// Each output as a new float32 CPU tensor with the output's shape (batch and sequence axes resolved to B and T), owned by the caller
    /// (and by the caller's dispose scope, as every new tensor).
    /// </returns>
    /// <exception cref="ArgumentException">An output name the model does not have, or an output axis other than batch and sequence that is not fixed.</exception>
    public IReadOnlyDictionary<string, Tensor> Run(EncodedBatch batch, params string[] outputs)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var names = outputs is { Length: > 0 } ? outputs : [.. OutputNames];
        long[] inputShape = [batch.BatchSize, batch.SequenceLength];
        var values = new List<OrtValue>();
        var results = new Dictionary<string, Tensor>();
        try
        {
            using var binding = _session.CreateIoBinding();
            foreach (var name in _inputNames)
            {
                var value = OrtValue.CreateTensorValueFromMemory(InputValues(name, batch), inputShape); // pins the array, no copy
                values.Add(value);
                binding.BindInput(name, value);
            }
            foreach (var name in names)
            {
                var shape = OutputShape(name, batch);
                var tensor = empty(shape, ScalarType.Float32);
                results[name] = tensor;
                var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, shape, Address(tensor), shape.Aggregate(1L, (a, b) => a * b) * sizeof(float));
                values.Add(value);
                binding.BindOutput(name, value);
            }
            _session.RunWithBinding(_runOptions, binding);
            return results;
        }
        catch
        {
            foreach (var tensor in results.Values)
                tensor.Dispose();
            throw;
        }
        finally
        {
            foreach (var value in values)
                value.Dispose();
        }
    }

    /// <summary>Ends ONNX Runtime's profiling (when the session was opened with a profile prefix) and returns the profile file's path.</summary>
    public string EndProfiling() => _session.EndProfiling();

    /// <summary>Closes the session.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _session.Dispose();
        _runOptions.Dispose();
    }

    private bool _disposed;

    private static bool IsTaskInput(NodeMetadata metadata) =>
        metadata.ElementDataType == TensorElementType.Int64 && metadata.Dimensions.Length == 2;

    // The [B * T] values of input 'name': a token input, or one of the task's inputs the batch carries.
    private static long[] InputValues(string name, EncodedBatch batch)
    {
        if (Inputs.TryGetValue(name, out var input))
            return input(batch);
        if (batch.TaskInputs.TryGetValue(name, out var values))
            return values;
        throw new ArgumentException(
            $"The model has the input '{name}', which the batch does not carry (its task inputs: [{string.Join(", ", batch.TaskInputs.Keys)}]).", nameof(batch));
    }

    private long[] OutputShape(string name, EncodedBatch batch)
    {
        if (!_session.OutputMetadata.TryGetValue(name, out var metadata))
            throw new ArgumentException($"The model has no output '{name}'; its outputs are {string.Join(", ", OutputNames)}.", nameof(name));
        var shape = new long[metadata.Dimensions.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            shape[i] = metadata.Dimensions[i] >= 0 ? metadata.Dimensions[i] : metadata.SymbolicDimensions[i] switch
            {
                "batch" => batch.BatchSize,
                "sequence" => batch.SequenceLength,
                var symbol => throw new ArgumentException($"The output '{name}' has the axis '{symbol}', which is neither batch nor sequence nor fixed.", nameof(name)),
            };
        }
        return shape;
    }

    /// <summary>The address of a new contiguous CPU tensor's storage (native memory, which does not move).</summary>
    private static unsafe IntPtr Address(Tensor tensor)
    {
        fixed (byte* data = tensor.bytes)
            return (IntPtr)data;
    }
}
