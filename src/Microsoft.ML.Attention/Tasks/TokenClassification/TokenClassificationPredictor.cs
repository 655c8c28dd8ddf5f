using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Encode → forward → per-word predictions for token classification: the one path from aligned sentences to word labels, shared by the
/// trainer's validation and the scorer.
/// </summary>
internal static class TokenClassificationPredictor
{
    /// <summary>Logits of a batch of windows.</summary>
    /// <param name="model">The classifier (on <paramref name="device"/>).</param>
    /// <param name="aligner">The aligner that made the sentences.</param>
    /// <param name="windows">(sentence, window index) pairs.</param>
    /// <param name="device">Where the batch goes.</param>
    /// <returns>Logits [B, T, C] (T the longest window) and the attention mask [B, T].</returns>
    public static (Tensor Logits, Tensor Mask) Forward(TokenClassifier model, TokenClassificationAligner aligner,
        IReadOnlyList<(AlignedSentence Sentence, int Window)> windows, Device device)
    {
        using var scope = NewDisposeScope();
        var (ids, mask, shapes) = aligner.Tensors(windows, device);                // [B, T] each; shapes null without case features
        var logits = model.forward(ids, mask, tokenTypeIds: null, shapeIds: shapes); // [B, T, C]
        return (logits.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    /// <summary>Every word's prediction for every sentence, under no_grad; windows are batched by length.</summary>
    /// <param name="model">The classifier (on <paramref name="device"/>, in eval mode for deterministic results).</param>
    /// <param name="aligner">The aligner that made the sentences.</param>
    /// <param name="sentences">The aligned sentences.</param>
    /// <param name="aggregation">How a word's sub-words are combined.</param>
    /// <param name="batchSize">Windows per forward pass; at least 1.</param>
    /// <param name="device">Where the model lives.</param>
    /// <param name="checkAlive">Called before every batch (cancellation), or null.</param>
    /// <returns>Per sentence, one prediction per word.</returns>
    public static WordPrediction[][] Predict(TokenClassifier model, TokenClassificationAligner aligner, IReadOnlyList<AlignedSentence> sentences,
        TokenAggregation aggregation, int batchSize, Device device, Action? checkAlive = null) =>
        Predict(batch => Forward(model, batch, device), model.ClassCount, aligner, sentences, aggregation, batchSize, checkAlive);

    /// <summary>The logits [B, T, C] of a padded batch of windows, on <paramref name="device"/>.</summary>
    public static Tensor Forward(TokenClassifier model, EncodedBatch batch, Device device)
    {
        var (ids, mask) = batch.ToTensors(device);                                 // [B, T]
        var shapes = TokenClassificationAligner.ShapesTensor(batch, device);         // [B, T], null without case features
        return model.forward(ids, mask, tokenTypeIds: null, shapeIds: shapes);       // [B, T, C]
    }

    /// <summary>As above, with the forward pass given (the scorer's runs on its inference engine).</summary>
    /// <param name="forward">A padded batch of windows [B, T] → logits [B, T, C] (any float format, any device).</param>
    /// <param name="classCount">C.</param>
    /// <param name="aligner">The aligner that made the sentences.</param>
    /// <param name="sentences">The aligned sentences.</param>
    /// <param name="aggregation">How a word's sub-words are combined.</param>
    /// <param name="batchSize">Windows per forward pass; at least 1.</param>
    /// <param name="checkAlive">Called before every batch (cancellation), or null.</param>
    /// <returns>Per sentence, one prediction per word.</returns>
    public static WordPrediction[][] Predict(Func<EncodedBatch, Tensor> forward, int classCount, TokenClassificationAligner aligner, IReadOnlyList<AlignedSentence> sentences,
        TokenAggregation aggregation, int batchSize, Action? checkAlive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        var probabilities = sentences.Select(s => new float[s.Windows.Count][]).ToArray();
        var windows = sentences.SelectMany((s, i) => Enumerable.Range(0, s.Windows.Count).Select(w => (Row: i, Window: w)))
            .OrderByDescending(x => sentences[x.Row].WindowLength(x.Window)).ToList();
        using var noGrad = no_grad();
        foreach (var batch in windows.Chunk(batchSize))
        {
            checkAlive?.Invoke();
            using var scope = NewDisposeScope();
            var logits = forward(aligner.Batch(batch.Select(x => (sentences[x.Row], x.Window)).ToList()));                 // [B, T, C]
            var softmax = logits.to(float32).softmax(-1).cpu();                                                            // [B, T, C]
            float[] values = softmax.data<float>().ToArray();
            long length = logits.shape[1];
            for (int b = 0; b < batch.Length; b++)
            {
                var (row, window) = batch[b];
                int positions = sentences[row].WindowLength(window);
                probabilities[row][window] = values.AsSpan((int)(b * length * classCount), positions * classCount).ToArray();
            }
        }
        return sentences.Select((s, i) => TokenClassificationAligner.Aggregate(s, probabilities[i], classCount, aggregation)).ToArray();
    }
}
