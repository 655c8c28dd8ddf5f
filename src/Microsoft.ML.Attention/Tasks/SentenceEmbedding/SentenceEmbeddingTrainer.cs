using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// Fine-tunes a <see cref="SentenceEncoder"/> on (anchor, positive[, hard negative]) pairs with
/// <see cref="MultipleNegativesRankingLoss"/> over <see cref="TrainingLoop"/>. The validation set, when given, is scored whole
/// after every epoch: recall@1 of each anchor among all validation positives is the early-stopping score.
/// </summary>
/// <remarks>
/// <para>
/// <b>Batches and negatives.</b> The negatives of an anchor are the other rows of its batch (plus every hard negative of the
/// batch), so <see cref="TrainingSettings.BatchSize"/> is the size of the pool the loss ranks against. Batches are drawn at random
/// each epoch, not grouped by length as the classification trainer's are: rows of similar length would make the negatives
/// similar in an irrelevant way.
/// </para>
/// <para>
/// <b>GradientAccumulationSteps does not enlarge the pool of negatives.</b> Accumulation sums the gradients of N micro-batches,
/// each with its own in-batch loss: N micro-batches of B pairs rank every anchor among B candidates, not N B, which is a different
/// (and weaker) objective than one batch of N B pairs; only the optimizer step is that of the larger batch. To rank among N B
/// candidates with the memory of B, use the cached loss (<see cref="SentenceEmbeddingLossSettings.MiniBatchSize"/> = B with
/// BatchSize = N B): it gives the gradients of the whole batch (see <see cref="CachedMultipleNegativesRankingLoss"/>). The cached
/// loss does its own backward pass inside the step, so it requires GradientAccumulationSteps = 1.
/// </para>
/// </remarks>
internal static class SentenceEmbeddingTrainer
{
    /// <param name="model">The encoder.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="pairs">Training rows; at least one.</param>
    /// <param name="validation">Validation rows, or null.</param>
    /// <param name="columns">The column names (messages; whether rows carry a hard negative).</param>
    /// <param name="settings">Optimizer and schedule settings.</param>
    /// <param name="loss">The loss's scale, symmetry, mini-batch size (cached) and duplicate handling.</param>
    /// <param name="earlyStoppingPatience">Epochs without better validation recall@1 before stopping; 0 = off.</param>
    /// <param name="device">Where the model lives.</param>
    /// <param name="log">Progress lines.</param>
    /// <exception cref="ArgumentException">A row's text is missing or empty (the message names the column and row), or the settings do not fit the loss.</exception>
    public static TrainingResult Train(SentenceEncoder model, TextTokenizer tokenizer, IReadOnlyList<SentencePair> pairs, IReadOnlyList<SentencePair>? validation,
        SentencePairColumns columns, TrainingSettings settings, SentenceEmbeddingLossSettings loss, int earlyStoppingPatience, Device device, Action<string> log)
    {
        if (pairs.Count == 0)
            throw new ArgumentException("There are no training rows; sentence-embedding training needs at least one (anchor, positive) pair.", nameof(pairs));
        columns.Check(pairs, "training");
        if (validation is not null)
            columns.Check(validation, "validation");
        if (settings.BatchSize < 2 && columns.Negative is null)
        {
            throw new ArgumentException(
                $"BatchSize must be at least 2 for in-batch negatives (the other rows of a batch are an anchor's negatives); got {settings.BatchSize}.", nameof(settings));
        }

        if (loss.MiniBatchSize > 0 && settings.GradientAccumulationSteps != 1)
        {
            throw new ArgumentException(
                $"GradientAccumulationSteps must be 1 with the cached loss (mini-batch size {loss.MiniBatchSize}), which already fits a large batch; got {settings.GradientAccumulationSteps}. Raise BatchSize instead.",
                nameof(settings));
        }

        Func<ValidationResult>? validate = validation is { Count: > 0 } ? () => Evaluate(model, tokenizer, validation, settings, loss, device) : null;
        return TrainingLoop.Run(model, pairs.Count, settings, indices => BatchLoss(model, tokenizer, [.. indices.Select(i => pairs[i])], loss, device),
            validate, earlyStoppingPatience, log);
    }

    /// <summary>
    /// The loss of one batch with its graph (plain loss); or, with the cached loss, the loss value as a leaf whose backward is a
    /// no-op, the gradients having been added to the parameters already.
    /// </summary>
    internal static Tensor BatchLoss(SentenceEncoder model, TextTokenizer tokenizer, IReadOnlyList<SentencePair> rows, SentenceEmbeddingLossSettings loss, Device device)
    {
        using var scope = NewDisposeScope();
        var anchors = rows.Select(r => r.Anchor).ToList();
        var positives = rows.Select(r => r.Positive).ToList();
        var negatives = rows[0].Negative is null ? null : rows.Select(r => r.Negative!).ToList();
        var excluded = loss.ExcludeDuplicates ? InBatchDuplicates.Mask(rows, device) : null; // [B, B + N] or null
        if (loss.MiniBatchSize <= 0)
        {
            var a = SentenceEmbeddingForward.Embed(model, tokenizer, anchors, device); // [B, D]
            var p = SentenceEmbeddingForward.Embed(model, tokenizer, positives, device); // [B, D]
            var n = negatives is null ? null : SentenceEmbeddingForward.Embed(model, tokenizer, negatives, device); // [N, D]
            return MultipleNegativesRankingLoss.Compute(a, p, n, loss.Scale, loss.Symmetric, excluded).MoveToOuterDisposeScope();
        }

        double value = CachedMultipleNegativesRankingLoss.Backward(Chunks(anchors), Chunks(positives), negatives is null ? null : Chunks(negatives),
            loss.Scale, loss.Symmetric, excluded);
        return tensor((float)value, requires_grad: true).MoveToOuterDisposeScope();

        List<Func<Tensor>> Chunks(List<string> texts) =>
            [.. texts.Chunk(loss.MiniBatchSize).Select(chunk => (Func<Tensor>)(() => SentenceEmbeddingForward.Embed(model, tokenizer, chunk, device)))];
    }

    private static ValidationResult Evaluate(SentenceEncoder model, TextTokenizer tokenizer, IReadOnlyList<SentencePair> rows, TrainingSettings settings,
        SentenceEmbeddingLossSettings loss, Device device)
    {
        var anchors = new List<Tensor>();
        var positives = new List<Tensor>();
        double lossSum = 0;
        using var scope = NewDisposeScope();
        for (int start = 0; start < rows.Count; start += settings.BatchSize)
        {
            settings.ThrowIfCancelled();
            var batch = rows.Skip(start).Take(settings.BatchSize).ToList();
            var a = SentenceEmbeddingForward.Embed(model, tokenizer, [.. batch.Select(r => r.Anchor)], device); // [b, D]
            var p = SentenceEmbeddingForward.Embed(model, tokenizer, [.. batch.Select(r => r.Positive)], device); // [b, D]
            var excluded = loss.ExcludeDuplicates ? InBatchDuplicates.Mask(batch, device) : null;
            var n = batch[0].Negative is null ? null : SentenceEmbeddingForward.Embed(model, tokenizer, [.. batch.Select(r => r.Negative)], device);
            lossSum += MultipleNegativesRankingLoss.Compute(a, p, n, loss.Scale, loss.Symmetric, excluded).item<float>() * batch.Count;
            anchors.Add(a);
            positives.Add(p);
        }

        var scores = nn.functional.normalize(torch.cat(anchors, 0), p: 2, dim: 1)
            .matmul(nn.functional.normalize(torch.cat(positives, 0), p: 2, dim: 1).t()); // [V, V]
        var own = scores.diagonal().unsqueeze(1); // [V, 1]
        // Rank of the own positive: 1 + the positives scored strictly higher (a tie goes in its favour).
        var better = scores.gt(own).sum(1); // [V]
        double recallAt1 = better.eq(0).to(float64).mean().item<double>();
        double mrr = (better.to(float64) + 1).reciprocal().mean().item<double>();
        double meanLoss = lossSum / rows.Count;
        return new ValidationResult(meanLoss, recallAt1,
            $"recall@1 {recallAt1:P2}, MRR {mrr:F4} (anchor among {rows.Count} positives), in-batch loss {meanLoss:F4}");
    }
}
