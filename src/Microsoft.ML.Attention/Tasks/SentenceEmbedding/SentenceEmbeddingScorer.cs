using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Sentence embeddings of a fine-tuned <see cref="SentenceEncoder"/>: one float vector of the model dimension per row, in the column
/// <c>ImportEncoder</c> writes. The encoder runs at the <see cref="InferenceNetwork{TNetwork}"/>'s precision; pooling is float32.
/// </summary>
internal sealed class SentenceEmbeddingScorer : TaskScorer<EncodedRow>
{
    private readonly TaskModel<SentenceEncoder> _model;
    private readonly InferenceNetwork<SentenceEncoder> _inference;
    private readonly SentenceEmbeddingSpec _spec;
    private readonly VectorOutputColumn<float> _embedding;

    public SentenceEmbeddingScorer(TaskModel<SentenceEncoder> model, SentenceEmbeddingSpec spec, InferencePrecision precision)
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
        float[] embeddings;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var network = _inference.Network;
            network.eval();
            var (ids, mask) = BatchEncoder.Pad(batch, _model.Tokenizer.Special.Pad).ToTensors(_model.Device); // [B, T]
            embeddings = network.forward(ids, mask).cpu().data<float>().ToArray();                             // [B * D], float32
        }
        for (int b = 0; b < batch.Count; b++)
            _embedding.Set(output, outputRows[b], embeddings.AsSpan(b * dimension, dimension).ToArray());
    }

    public override void Dispose() => _inference.Dispose();
}
