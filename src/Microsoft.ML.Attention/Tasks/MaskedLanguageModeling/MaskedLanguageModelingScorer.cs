using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Sentence embeddings: the backbone's last hidden states pooled over the real tokens, one float vector per row. The backbone runs at
/// the <see cref="InferenceNetwork{TNetwork}"/>'s precision; pooling is float32.
/// </summary>
internal sealed class MaskedLanguageModelingScorer : TaskScorer<EncodedRow>
{
    private readonly TaskModel<MaskedLanguageModel> _model;
    private readonly InferenceNetwork<MaskedLanguageModel> _inference;
    private readonly MaskedLanguageModelingSpec _spec;
    private readonly VectorOutputColumn<float> _embedding;

    public MaskedLanguageModelingScorer(TaskModel<MaskedLanguageModel> model, MaskedLanguageModelingSpec spec, InferencePrecision precision)
    {
        _model = model;
        _spec = spec;
        _inference = model.ForInference(precision);
        _embedding = new VectorOutputColumn<float>(spec.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, model.Config.ModelDimension));
        OutputColumns = [_embedding];
    }

    public override IReadOnlyList<TaskInputColumn> InputColumns => TextColumns(_spec.InputColumnNames);

    public override IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    protected override EncodedRow Encode(InputRow row) => BatchEncoder.EncodeRow(_model.Tokenizer, row.Text(0), null, _model.Config.MaxSequenceLength);

    protected override int Length(EncodedRow row) => row.Length;

    protected override void ScoreBatch(IReadOnlyList<EncodedRow> batch, ScoredRows output, IReadOnlyList<int> outputRows, CancellationToken cancellationToken)
    {
        int dimension = _model.Config.ModelDimension;
        float[] pooled;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var network = _inference.Network;
            network.eval();
            var (ids, mask) = BatchEncoder.Pad(batch, _model.Tokenizer.Special.Pad).ToTensors(_model.Device);   // [B, T]
            var hidden = network.Backbone.forward(ids, mask, causal: false).to(float32);                        // [B, T, D]
            var vectors = Pooling.Pool(_spec.Pooling, hidden, mask);                                            // [B, D]
            if (_spec.Normalize)
                vectors = nn.functional.normalize(vectors, p: 2, dim: 1);                                       // [B, D], unit length
            pooled = vectors.cpu().data<float>().ToArray();                                                      // [B * D]
        }
        for (int b = 0; b < batch.Count; b++)
            _embedding.Set(output, outputRows[b], pooled.AsSpan(b * dimension, dimension).ToArray());
    }

    public override void Dispose() => _inference.Dispose();
}
