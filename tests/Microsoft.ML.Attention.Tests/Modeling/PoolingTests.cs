using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class PoolingTests
{
    [Fact]
    public void Mean_averages_only_the_real_positions()
    {
        torch.manual_seed(1);
        using var hidden = torch.randn(2, 4, 3);
        using var mask = torch.tensor(new long[,] { { 1, 1, 0, 0 }, { 1, 1, 1, 1 } });

        using var pooled = Pooling.Mean(hidden, mask);

        using var firstRow = hidden[0].narrow(0, 0, 2).mean([0]);
        using var secondRow = hidden[1].mean([0]);
        TensorAssert.Close(firstRow, pooled[0], 1e-6);
        TensorAssert.Close(secondRow, pooled[1], 1e-6);
    }

    [Fact]
    public void Mean_ignores_whatever_the_padded_positions_hold()
    {
        torch.manual_seed(2);
        using var hidden = torch.randn(1, 5, 3);
        using var changed = hidden.clone();
        changed[0, 3] = torch.full(3, 1000f);
        using var mask = torch.tensor(new[,] { { true, true, true, false, false } });

        TensorAssert.Close(Pooling.Mean(hidden, mask), Pooling.Mean(changed, mask), 1e-6);
    }

    [Fact]
    public void Mean_of_an_all_padding_row_is_zeros_not_NaN()
    {
        torch.manual_seed(3);
        using var hidden = torch.randn(2, 3, 4);
        using var mask = torch.tensor(new long[,] { { 0, 0, 0 }, { 1, 0, 0 } });

        using var pooled = Pooling.Pool(PoolingKind.Mean, hidden, mask);

        TensorAssert.Close(torch.zeros(4), pooled[0], 0);
        TensorAssert.Close(hidden[1, 0], pooled[1], 1e-6);
    }

    [Fact]
    public void FirstToken_takes_position_zero()
    {
        torch.manual_seed(4);
        using var hidden = torch.randn(2, 3, 4);

        using var pooled = Pooling.Pool(PoolingKind.FirstToken, hidden, null);

        Assert.Equal(new long[] { 2, 4 }, pooled.shape);
        TensorAssert.Close(hidden.select(1, 0), pooled, 0);
    }
}
