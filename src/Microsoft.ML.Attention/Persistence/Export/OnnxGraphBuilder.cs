using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>
/// Appends nodes, named initializers and typed inputs/outputs to an ONNX <see cref="GraphProto"/> (onnx.proto through OnnxSharp and
/// Google.Protobuf). Written by hand because no .NET library builds ONNX graphs from code (TorchSharp has no <c>torch.onnx</c>):
/// this is only the bookkeeping of unique value names; the protobuf classes do the format.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    /// <summary>ONNX Runtime's contrib operator domain (Attention, SkipLayerNormalization, BiasGelu, DynamicQuantizeMatMul, ...), version 1.</summary>
    public const string ContribDomain = "com.microsoft";

    private const int FloatType = (int)TensorProto.Types.DataType.Float;
    private const int Int64Type = (int)TensorProto.Types.DataType.Int64;

    private readonly HashSet<string> _names = [];
    private readonly Dictionary<string, string> _int64Constants = [];
    private readonly Dictionary<float, string> _floatConstants = [];
    private int _counter;

    /// <summary>The graph being built.</summary>
    public GraphProto Graph { get; } = new() { Name = "Microsoft.ML.Attention" };

    /// <summary>Total bytes of the initializers written so far.</summary>
    public long InitializerBytes { get; private set; }

    /// <summary>Whether a node of <see cref="ContribDomain"/> was written (the model must then import that domain).</summary>
    public bool UsesContribDomain { get; private set; }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    /// <param name="opType">The ONNX operator (default domain).</param>
    /// <param name="inputs">Input value names; an empty string is an omitted optional input.</param>
    /// <param name="attributes">The node's attributes.</param>
    public string Node(string opType, string[] inputs, params AttributeProto[] attributes) => Node(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs and returns their names.</summary>
    public string[] Node(string opType, string[] inputs, int outputCount, params AttributeProto[] attributes)
    {
        string name = Unique(opType);
        var outputs = Enumerable.Range(0, outputCount).Select(i => outputCount == 1 ? name : Unique($"{name}_{i}")).ToArray();
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return outputs;
    }

    /// <summary>
    /// Adds an ONNX Runtime contrib node (<see cref="ContribDomain"/>) and returns the names of the outputs in
    /// <paramref name="outputs"/> at their positions (others are omitted optional outputs, ""); trailing omitted inputs ("") are dropped.
    /// </summary>
    /// <param name="opType">The contrib operator.</param>
    /// <param name="inputs">Input value names; an empty string is an omitted optional input.</param>
    /// <param name="outputs">The positions of the outputs the graph reads, ascending.</param>
    /// <param name="attributes">The node's attributes.</param>
    public string[] ContribNode(string opType, string[] inputs, int[] outputs, params AttributeProto[] attributes)
    {
        string name = Unique(opType);
        var names = new string[outputs[^1] + 1];
        Array.Fill(names, "");
        foreach (int position in outputs)
            names[position] = position == 0 ? name : Unique($"{name}_{position}");
        int inputCount = inputs.Length;
        while (inputCount > 0 && inputs[inputCount - 1].Length == 0)
            inputCount--;
        var node = new NodeProto { Name = name, OpType = opType, Domain = ContribDomain };
        node.Input.AddRange(inputs.Take(inputCount));
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        UsesContribDomain = true;
        return names;
    }

    /// <summary>A contrib node with one output (<see cref="ContribNode(string, string[], int[], AttributeProto[])"/>).</summary>
    public string ContribNode(string opType, string[] inputs, params AttributeProto[] attributes) => ContribNode(opType, inputs, [0], attributes)[0];

    /// <summary>Adds a float32 initializer with the values and shape of <paramref name="value"/> (copied from any device).</summary>
    /// <param name="name">The initializer's name; must be new in the graph.</param>
    /// <param name="value">Any float tensor; converted to float32.</param>
    public string Initializer(string name, Tensor value)
    {
        using var scope = NewDisposeScope();
        var values = value.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var proto = new TensorProto { Name = Claim(name), DataType = FloatType, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        proto.Dims.AddRange(value.shape);
        Graph.Initializer.Add(proto);
        InitializerBytes += proto.RawData.Length;
        return name;
    }

    /// <summary>A 1-D int64 constant (shapes, axes, split sizes), written once per distinct value and reused.</summary>
    public string Int64s(params long[] values)
    {
        string key = string.Join(",", values);
        if (_int64Constants.TryGetValue(key, out var existing))
            return existing;
        var proto = new TensorProto { Name = Unique("const_int64"), DataType = Int64Type, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        proto.Dims.Add(values.Length);
        Graph.Initializer.Add(proto);
        _int64Constants[key] = proto.Name;
        return proto.Name;
    }

    /// <summary>A float32 scalar constant, written once per distinct value and reused.</summary>
    public string Float(float value)
    {
        if (_floatConstants.TryGetValue(value, out var existing))
            return existing;
        float[] values = [value];
        var proto = new TensorProto { Name = Unique("const_float"), DataType = FloatType, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        Graph.Initializer.Add(proto);
        _floatConstants[value] = proto.Name;
        return proto.Name;
    }

    /// <summary>Declares a graph input of element type <paramref name="elementType"/>; a string dimension is symbolic (dynamic).</summary>
    public void Input(string name, TensorProto.Types.DataType elementType, params object[] dimensions) =>
        Graph.Input.Add(ValueInfo(Claim(name), elementType, dimensions));

    /// <summary>Names <paramref name="value"/> <paramref name="name"/> (through an Identity node) and declares it a graph output.</summary>
    public void Output(string name, string value, TensorProto.Types.DataType elementType, params object[] dimensions)
    {
        var node = new NodeProto { Name = Unique("Identity"), OpType = "Identity" };
        node.Input.Add(value);
        node.Output.Add(Claim(name));
        Graph.Node.Add(node);
        Graph.Output.Add(ValueInfo(name, elementType, dimensions));
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A float attribute.</summary>
    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Attribute(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A tensor attribute holding one float (ConstantOfShape's <c>value</c>).</summary>
    public static AttributeProto Attribute(string name, float[] tensorValues)
    {
        var value = new TensorProto { DataType = FloatType, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(tensorValues.AsSpan())) };
        value.Dims.Add(tensorValues.Length);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, object[] dimensions)
    {
        var shape = new TensorShapeProto();
        foreach (var dimension in dimensions)
        {
            shape.Dim.Add(dimension is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dimension, System.Globalization.CultureInfo.InvariantCulture) });
        }
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape };
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    private string Claim(string name)
    {
        if (!_names.Add(name))
            throw new InvalidOperationException($"The ONNX graph already has a value named '{name}'.");
        return name;
    }

    private string Unique(string hint)
    {
        string name;
        do
        {
            name = $"{hint}_{_counter++}";
        }
        while (!_names.Add(name));
        return name;
    }
}
