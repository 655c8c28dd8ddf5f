using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Sentence embeddings: the backbone's last hidden states pooled over the real tokens, one float vector per row. The backbone runs at
/// the <see cref="InferenceNetwork"/>'s precision; pooling is float32.
/// </summary>
internal sealed class MaskedLanguageModelingScorer : IRowScorer, IDisposable
{
    private readonly TransformerTextModel _model;
    private readonly InferenceNetwork _inference;
    private readonly PoolingKind _pooling;
    private readonly bool _normalize;

    public MaskedLanguageModelingScorer(TransformerTextModel model, InferenceNetwork network, string textColumnName, string outputColumnName, PoolingKind pooling, bool normalize)
    {
        _model = model;
        _inference = network;
        _pooling = pooling;
        _normalize = normalize;
        InputColumnNames = [textColumnName];
        OutputColumns = [new DataViewSchema.DetachedColumn(outputColumnName, new VectorDataViewType(NumberDataViewType.Single, model.Config.ModelDimension))];
    }

    public IReadOnlyList<string> InputColumnNames { get; }

    public IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

    public object[][] Score(IReadOnlyList<string[]> inputs)
    {
        float[] pooled;
        int dimension = _model.Config.ModelDimension;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            _inference.Network.eval();
            var batch = BatchEncoder.EncodeForEncoder(_model.Tokenizer, inputs.Select(row => row[0]).ToList(), _model.Config.MaxSequenceLength);
            var (ids, mask) = batch.ToTensors(_model.Device);
            var hidden = _inference.Backbone.forward(ids, mask, causal: false).to(float32);           // [B, T, D]
            var vectors = Pooling.Pool(_pooling, hidden, mask);                              // [B, D]
            if (_normalize)
                vectors = nn.functional.normalize(vectors, p: 2, dim: 1);                    // [B, D], unit length
            pooled = vectors.cpu().data<float>().ToArray();                                   // [B * D]
        }
        var values = new object[inputs.Count][];
        for (int row = 0; row < inputs.Count; row++)
            values[row] = [new VBuffer<float>(dimension, pooled.AsSpan(row * dimension, dimension).ToArray())];
        return values;
    }

    public void Dispose() => _inference.Dispose();
}
