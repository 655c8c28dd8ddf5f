using Google.Protobuf;
using Microsoft.ML.Attention.Modeling;
using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>
/// Writes a task network as an ONNX model (opset 17, IR version 8) that ONNX Runtime, ML.NET's <c>ApplyOnnxModel</c> and other
/// runtimes score. Inputs: <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>, each [batch, sequence] int64 with dynamic
/// axes (tokenization stays in .NET); the backbone is written by <see cref="OnnxBackboneWriter"/>, the outputs by the task
/// (its spec's <c>WriteOnnxOutputs</c>, through an <see cref="OnnxHeadWriter"/>).
/// </summary>
internal static class OnnxExporter
{
    /// <summary>The opset the graph is written for (LayerNormalization, Trilu, Shape with start/end).</summary>
    public const int Opset = 17;

    private const long IrVersion = 8; // the IR version that goes with opset 17

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/>.</summary>
    /// <param name="network">The task network (float weights on any device).</param>
    /// <param name="config">Its backbone's config.</param>
    /// <param name="writeOutputs">Writes the task's outputs after the backbone.</param>
    /// <param name="path">The .onnx file to create or overwrite.</param>
    /// <exception cref="NotSupportedException">The network or an option of its configuration has no ONNX mapping (the message names it); no file is written.</exception>
    public static void Export(nn.Module network, TransformerConfig config, Action<OnnxHeadWriter> writeOutputs, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var model = Build(network, config, writeOutputs);
        using var stream = File.Create(path);
        model.WriteTo(stream);
    }

    /// <summary>The ONNX model of <paramref name="network"/>, as <see cref="Export"/> writes it.</summary>
    /// <param name="network">The task network (float weights on any device).</param>
    /// <param name="config">Its backbone's config.</param>
    /// <param name="writeOutputs">Writes the task's outputs after the backbone.</param>
    /// <param name="options">Standard or ONNX Runtime's fused operators; null = <see cref="OnnxExportOptions.Standard"/>.</param>
    public static ModelProto Build(nn.Module network, TransformerConfig config, Action<OnnxHeadWriter> writeOutputs, OnnxExportOptions? options = null)
    {
        var graph = new OnnxGraphBuilder();
        var weights = new OnnxWeights(graph, network, config);
        graph.Input(OnnxBackboneWriter.InputIds, TensorProto.Types.DataType.Int64, OnnxHeadWriter.BatchAxis, OnnxHeadWriter.SequenceAxis);
        graph.Input(OnnxBackboneWriter.AttentionMask, TensorProto.Types.DataType.Int64, OnnxHeadWriter.BatchAxis, OnnxHeadWriter.SequenceAxis);
        graph.Input(OnnxBackboneWriter.TokenTypeIds, TensorProto.Types.DataType.Int64, OnnxHeadWriter.BatchAxis, OnnxHeadWriter.SequenceAxis);
        var backbone = new OnnxBackboneWriter(graph, weights, config, options);
        using (no_grad())
            writeOutputs(new OnnxHeadWriter(graph, backbone, weights, config));
        const long twoGigabytes = 2L << 30;
        if (graph.InitializerBytes >= twoGigabytes)
        {
            throw new NotSupportedException(
                $"The network's weights take {graph.InitializerBytes:N0} bytes; one ONNX protobuf holds less than 2 GB and this exporter does not write external data files.");
        }
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Microsoft.ML.Attention",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = "Exported by Microsoft.ML.Attention; inputs are token ids from the model's own tokenizer (TransformerTextTransformer.Tokenizer).",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        if (graph.UsesContribDomain)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = OnnxGraphBuilder.ContribDomain, Version = 1 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "max_sequence_length", Value = config.MaxSequenceLength.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        return model;
    }
}
