using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// What every embedding scorer shares: one text column in, one float vector of the model dimension out (the column <c>ImportEncoder</c>
/// writes, which <c>AsEmbeddingGenerator()</c> reads). The network runs on the <see cref="InferenceNetwork{TNetwork}"/>'s engine and
/// precision; a subclass says how a padded batch becomes its embeddings on TorchSharp (<see cref="Embed"/>), which ONNX Runtime reads
/// from the export's <c>sentence_embedding</c>.
/// </summary>
/// <typeparam name="TNetwork">The task's network.</typeparam>
internal abstract class EmbeddingScorer<TNetwork> : TaskScorer<EncodedRow> where TNetwork : nn.Module, ITaskNetwork
{
    private readonly TaskModel<TNetwork> _model;
    private readonly InferenceNetwork<TNetwork> _inference;
    private readonly VectorOutputColumn<float> _embedding;

    protected EmbeddingScorer(TaskModel<TNetwork> model, string textColumnName, string outputColumnName, InferenceSettings settings)
    {
        _model = model;
        _inference = model.ForInference(settings);
        _embedding = new VectorOutputColumn<float>(outputColumnName, new VectorDataViewType(NumberDataViewType.Single, model.Config.ModelDimension));
        InputColumns = TextColumns([textColumnName]);
        OutputColumns = [_embedding];
    }

    public override IReadOnlyList<TaskInputColumn> InputColumns { get; }

    public override IReadOnlyList<TaskOutputColumn> OutputColumns { get; }

    /// <summary>The embeddings of a padded batch.</summary>
    /// <param name="network">The network at the scorer's precision, in eval mode.</param>
    /// <param name="ids">[B, T] token ids.</param>
    /// <param name="mask">[B, T], 1 = real token.</param>
    /// <returns>[B, D] float32.</returns>
    protected abstract Tensor Embed(TNetwork network, Tensor ids, Tensor mask);

    protected override EncodedRow Encode(InputRow row) => BatchEncoder.EncodeRow(_model.Tokenizer, row.Text(0), null, _model.Config.MaxSequenceLength);

    protected override int Length(EncodedRow row) => row.Length;

    protected override void ScoreBatch(IReadOnlyList<EncodedRow> batch, ScoredRows output, IReadOnlyList<int> outputRows, CancellationToken cancellationToken)
    {
        int dimension = _model.Config.ModelDimension;
        float[] embeddings;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var padded = BatchEncoder.Pad(batch, _model.Tokenizer.Special.Pad);
            var vectors = _inference.Forward(padded, network =>
            {
                var (ids, mask) = padded.ToTensors(_model.Device); // [B, T]
                return [Embed(network, ids, mask)];
            }, OnnxHeadWriter.SentenceEmbeddingOutput)[0];        // [B, D]
            embeddings = vectors.cpu().data<float>().ToArray();   // [B * D]
        }
        for (int b = 0; b < batch.Count; b++)
            _embedding.Set(output, outputRows[b], embeddings.AsSpan(b * dimension, dimension).ToArray());
    }

    public override void Dispose() => _inference.Dispose();
}
