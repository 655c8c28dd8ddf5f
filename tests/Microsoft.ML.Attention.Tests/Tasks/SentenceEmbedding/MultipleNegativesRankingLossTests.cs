using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;

/// <summary>MultipleNegativesRankingLoss against cases computed by hand, and with duplicate texts in a batch.</summary>
public sealed class MultipleNegativesRankingLossTests
{
    private const double S = MultipleNegativesRankingLoss.DefaultScale;
    private static readonly double R = 1 / Math.Sqrt(2);

    // cos(a1, p1) = 1/sqrt 2, cos(a1, p2) = 0, cos(a2, p1) = 1/sqrt 2, cos(a2, p2) = 1 (p2 is not unit length: the loss normalizes).
    private static Tensor Anchors() => tensor(new float[] { 1, 0, 0, 1 }, [2, 2]);

    private static Tensor Positives() => tensor(new float[] { 1, 1, 0, 3 }, [2, 2]);

    [Fact]
    public void Loss_of_two_pairs_is_the_cross_entropy_of_scaled_cosines()
    {
        using var loss = MultipleNegativesRankingLoss.Compute(Anchors(), Positives());
        double first = -S * R + Math.Log(Math.Exp(S * R) + Math.Exp(0));
        double second = -S + Math.Log(Math.Exp(S * R) + Math.Exp(S));
        Assert.Equal((first + second) / 2, loss.item<float>(), 4);
    }

    [Fact]
    public void A_hard_negative_is_a_candidate_of_every_anchor()
    {
        // cos(a1, n) = -1, cos(a2, n) = 0.
        using var loss = MultipleNegativesRankingLoss.Compute(Anchors(), Positives(), negatives: tensor(new float[] { -2, 0 }, [1, 2]));
        double first = -S * R + Math.Log(Math.Exp(S * R) + 1 + Math.Exp(-S));
        double second = -S + Math.Log(Math.Exp(S * R) + Math.Exp(S) + 1);
        Assert.Equal((first + second) / 2, loss.item<float>(), 4);
    }

    [Fact]
    public void Symmetric_loss_averages_the_anchor_to_positive_and_positive_to_anchor_losses()
    {
        using var loss = MultipleNegativesRankingLoss.Compute(Anchors(), Positives(), scale: 5, symmetric: true);
        const double s = 5;
        double forward = ((-s * R + Math.Log(Math.Exp(s * R) + 1)) + (-s + Math.Log(Math.Exp(s * R) + Math.Exp(s)))) / 2;
        // Positive 1 scores both anchors s / sqrt 2 (log 2); positive 2 scores a1 0 and a2 s.
        double backward = (Math.Log(2) + (-s + Math.Log(1 + Math.Exp(s)))) / 2;
        Assert.Equal((forward + backward) / 2, loss.item<float>(), 4);
    }

    [Fact]
    public void A_duplicate_positive_counts_as_a_negative_unless_masked()
    {
        // Rows 0 and 1 share the positive text "p"; row 2's positive is "q". Embeddings: a0 = p, a1 = p, a2 = q; p and q orthogonal.
        SentencePair[] rows = [new("a0", "p"), new("a1", "p"), new("a2", "q")];
        using var mask = InBatchDuplicates.Mask(rows, CPU);
        Assert.NotNull(mask);
        Assert.Equal(new[] { false, true, false, true, false, false, false, false, false }, mask.data<bool>().ToArray());

        using var anchors = tensor(new float[] { 1, 0, 1, 0, 0, 1 }, [3, 2]);
        using var positives = tensor(new float[] { 1, 0, 1, 0, 0, 1 }, [3, 2]);
        using var kept = MultipleNegativesRankingLoss.Compute(anchors, positives);
        using var masked = MultipleNegativesRankingLoss.Compute(anchors, positives, excluded: mask);

        // sentence-transformers' behaviour: anchors 0 and 1 each see their positive twice (scores S, S, 0): at least log 2 each.
        double duplicated = -S + Math.Log((2 * Math.Exp(S)) + 1);
        double single = -S + Math.Log(Math.Exp(S) + 2);
        Assert.Equal(((2 * duplicated) + single) / 3, kept.item<float>(), 4);
        Assert.True(kept.item<float>() > 2 * Math.Log(2) / 3);
        // Masked: the copy leaves the softmax, and each anchor ranks its positive against the other texts only.
        double maskedDuplicate = -S + Math.Log(Math.Exp(S) + 1);
        Assert.Equal(((2 * maskedDuplicate) + single) / 3, masked.item<float>(), 4);
    }

    [Fact]
    public void Rows_with_the_same_anchor_do_not_count_each_others_positive_as_a_negative()
    {
        SentencePair[] rows = [new("q", "d1"), new("q", "d2"), new("other", "d3", null)];
        using var mask = InBatchDuplicates.Mask(rows, CPU);
        Assert.NotNull(mask);
        Assert.Equal(new[] { false, true, false, true, false, false, false, false, false }, mask.data<bool>().ToArray());
        Assert.Null(InBatchDuplicates.Mask([new("a", "b"), new("c", "d")], CPU));
    }

    [Fact]
    public void A_hard_negative_equal_to_an_anchors_positive_is_masked_for_that_anchor()
    {
        SentencePair[] rows = [new("a0", "p0", "p1"), new("a1", "p1", "n1")];
        using var mask = InBatchDuplicates.Mask(rows, CPU);
        Assert.NotNull(mask);
        // Columns: p0, p1, n0 = "p1", n1. Anchor 1's positive is "p1", so n0 is excluded for it.
        Assert.Equal(new[] { false, false, false, false, false, false, true, false }, mask.data<bool>().ToArray());
    }

    [Fact]
    public void Excluding_an_anchors_own_positive_is_an_error()
    {
        using var mask = tensor(new[] { true, false, false, false }, [2, 2]);
        var error = Assert.Throws<ArgumentException>(() => MultipleNegativesRankingLoss.Compute(Anchors(), Positives(), excluded: mask));
        Assert.Contains("diagonal", error.Message);
    }

    [Fact]
    public void Mismatched_shapes_name_the_argument()
    {
        var error = Assert.Throws<ArgumentException>(() => MultipleNegativesRankingLoss.Compute(Anchors(), tensor(new float[] { 1, 0 }, [1, 2])));
        Assert.Equal("positives", error.ParamName);
    }
}
