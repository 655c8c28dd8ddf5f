using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Import;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Persistence.Export;

/// <summary>
/// The weights of a task network as named ONNX initializers, each written once, on first use. Names are the network's state-dict
/// keys (<c>backbone.layers.0.attention.qkv_proj.weight</c>, <c>classifier.weight</c>), except for a backbone in BERT's layout
/// (<see cref="BertLayout.Describes"/>): its weights take Hugging Face's names (<c>encoder.layer.0.attention.self.query.weight</c>),
/// so that the library's own ONNX importer, and other BERT tooling, read the exported encoder back.
/// Matrices keep the library's [out, in] layout and are used through <c>Gemm</c> with <c>transB = 1</c>.
/// </summary>
internal sealed class OnnxWeights
{
    private const string BackbonePrefix = "backbone.";

    private readonly OnnxGraphBuilder _graph;
    private readonly Dictionary<string, Tensor> _stateDict;
    private readonly Dictionary<string, string> _bertNames = [];
    private readonly Dictionary<string, string[]> _bertParts = [];
    private readonly Dictionary<string, string> _written = [];

    /// <summary>Reads the state dict of <paramref name="network"/>; names its backbone's weights as described above.</summary>
    public OnnxWeights(OnnxGraphBuilder graph, nn.Module network, TransformerConfig config)
    {
        _graph = graph;
        _stateDict = new Dictionary<string, Tensor>(network.state_dict());
        UsesBertNames = BertLayout.Describes(config);
        if (!UsesBertNames)
            return;
        foreach (var (target, source) in BertLayout.Mapping(config))
        {
            if (source.Length == 1)
                _bertNames[BackbonePrefix + target] = source[0];
            else
                _bertParts[BackbonePrefix + target] = source;
        }
    }

    /// <summary>Whether the backbone's weights carry Hugging Face's BERT names (and its query/key/value projections are separate).</summary>
    public bool UsesBertNames { get; }

    /// <summary>The initializer of the network weight <paramref name="key"/> (a state-dict key of the task network).</summary>
    public string Get(string key)
    {
        if (_written.TryGetValue(key, out var name))
            return name;
        if (!_stateDict.TryGetValue(key, out var value))
            throw new InvalidOperationException($"The network has no weight '{key}'.");
        name = _graph.Initializer(_bertNames.GetValueOrDefault(key, key), value);
        _written[key] = name;
        return name;
    }

    /// <summary>The backbone weight <paramref name="key"/> (a key of the backbone's own state dict), or null when it has none (a bias of a model without biases).</summary>
    public string? Backbone(string key) => _stateDict.ContainsKey(BackbonePrefix + key) ? Get(BackbonePrefix + key) : null;

    /// <summary>
    /// The backbone matrix <paramref name="key"/> ([out, in]) transposed to [in, out], for <c>MatMul</c> and ONNX Runtime's
    /// the fused graph, written as <c>&lt;name&gt;.transposed</c>; null when the backbone has no such weight.
    /// </summary>
    public string? BackboneTransposed(string key)
    {
        string full = BackbonePrefix + key, cacheKey = full + ".transposed";
        if (_written.TryGetValue(cacheKey, out var name))
            return name;
        if (!_stateDict.TryGetValue(full, out var value))
            return null;
        using var transposed = value.t(); // [in, out]
        name = _graph.Initializer(_bertNames.GetValueOrDefault(full, full) + ".transposed", transposed);
        _written[cacheKey] = name;
        return name;
    }

    /// <summary>
    /// The backbone matrix <paramref name="key"/> ([out, in]) cut into blocks of <paramref name="sizes"/> rows (the query, key and value
    /// rows of the fused projection), each transposed to [in, rows] and written as <c>&lt;key&gt;.&lt;i&gt;.transposed</c>.
    /// </summary>
    public string[] BackboneTransposedParts(string key, long[] sizes)
    {
        var matrix = _stateDict[BackbonePrefix + key];
        var parts = new string[sizes.Length];
        long start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            using var rows = matrix.narrow(0, start, sizes[i]);
            using var transposed = rows.t(); // [in, rows]
            parts[i] = _graph.Initializer($"{BackbonePrefix}{key}.{i}.transposed", transposed);
            start += sizes[i];
        }
        return parts;
    }

    /// <summary>
    /// The backbone's fused query/key/value projection <paramref name="key"/> (weight or bias) cut into its query, key and value
    /// rows (<paramref name="sizes"/>), as three initializers with BERT's names (<c>attention.self.query</c>, <c>.key</c>, <c>.value</c>).
    /// </summary>
    public string[] BackboneParts(string key, long[] sizes)
    {
        var fused = _stateDict[BackbonePrefix + key];
        var names = _bertParts[BackbonePrefix + key];
        var parts = new string[sizes.Length];
        long start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            using var rows = fused.narrow(0, start, sizes[i]);
            parts[i] = _graph.Initializer(names[i], rows);
            start += sizes[i];
        }
        return parts;
    }

    /// <summary>A constant table computed by the library (sinusoidal positions, rotary angles), written under <paramref name="name"/>.</summary>
    public string Table(string name, Tensor value) => _graph.Initializer(name, value);
}
