using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class PositionEncodingTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(7, 3)]
    [InlineData(30, 7)]
    public void Sinusoidal_values_follow_the_paper_formula(int position, int i)
    {
        const int dimension = 16;
        using var encoding = new SinusoidalPositionEncoding(dimension);

        using var table = encoding.Table(0, 32);

        var angle = position / Math.Pow(10000, 2.0 * i / dimension);
        Assert.Equal(Math.Sin(angle), table[position, 2 * i].item<float>(), 1e-6);
        Assert.Equal(Math.Cos(angle), table[position, 2 * i + 1].item<float>(), 1e-6);
    }

    [Fact]
    public void Sinusoidal_encoding_continues_at_the_offset_and_has_no_state()
    {
        using var encoding = new SinusoidalPositionEncoding(8);
        using var embeddings = torch.zeros(2, 3, 8);

        using var added = encoding.forward(embeddings, 5);

        using var table = encoding.Table(0, 8);
        TensorAssert.Close(table.narrow(0, 5, 3).expand(2, 3, 8), added, 1e-7);
        Assert.Empty(encoding.state_dict());
    }

    [Fact]
    public void Learned_encoding_has_one_table_and_adds_the_rows_of_its_positions()
    {
        torch.manual_seed(20);
        using var encoding = new LearnedPositionEncoding(maxSequenceLength: 10, dimension: 4);
        using var embeddings = torch.zeros(2, 3, 4);

        using var added = encoding.forward(embeddings, 2);

        Assert.Equal(new[] { "weight" }, encoding.state_dict().Keys);
        Assert.Equal(new long[] { 10, 4 }, encoding.Weight.shape);
        Assert.Equal(new long[] { 2, 3, 4 }, added.shape);
        TensorAssert.Close(encoding.Weight.narrow(0, 2, 3).expand(2, 3, 4), added, 0);
        Assert.Throws<ArgumentException>(() => encoding.forward(embeddings, 8));
    }

    [Fact]
    public void Rotary_keeps_the_shape_and_adds_no_state()
    {
        using var rotary = new RotaryPositionEncoding(headDimension: 8, rotaryBase: 10000);
        using var input = torch.randn(2, 3, 5, 8);

        using var rotated = rotary.forward(input, 4);

        Assert.Equal(input.shape, rotated.shape);
        Assert.Empty(rotary.state_dict());
        Assert.Equal(new long[] { 5, 4 }, rotary.Angles(0, 5).shape);
    }

    [Fact]
    public void Rotary_turns_each_interleaved_pair_by_position_times_its_frequency()
    {
        using var rotary = new RotaryPositionEncoding(headDimension: 4, rotaryBase: 10000);
        using var input = torch.tensor(new float[] { 1, 2, 3, 4 }).view(1, 1, 1, 4);
        const int position = 3;

        using var rotated = rotary.forward(input, position);

        var slow = position * Math.Pow(10000, -2.0 / 4); // pair 1: frequency 10000^(-2/4)
        var fast = position * 1.0; // pair 0: frequency 1
        var expected = new[]
        {
            1 * Math.Cos(fast) - 2 * Math.Sin(fast), 1 * Math.Sin(fast) + 2 * Math.Cos(fast),
            3 * Math.Cos(slow) - 4 * Math.Sin(slow), 3 * Math.Sin(slow) + 4 * Math.Cos(slow),
        };
        var actual = rotated.view(4).data<float>().ToArray();
        for (var k = 0; k < 4; k++)
        {
            Assert.Equal(expected[k], actual[k], 1e-5);
        }
    }

    [Fact]
    public void Rotary_makes_query_key_products_depend_only_on_relative_position()
    {
        using var rotary = new RotaryPositionEncoding(headDimension: 8, rotaryBase: 10000);
        torch.manual_seed(21);
        using var query = torch.randn(1, 1, 1, 8);
        using var key = torch.randn(1, 1, 1, 8);

        double Product(long queryPosition, long keyPosition)
        {
            using var q = rotary.forward(query, queryPosition);
            using var k = rotary.forward(key, keyPosition);
            return (q * k).sum().item<float>();
        }

        Assert.Equal(Product(5, 2), Product(13, 10), 1e-4);
        Assert.NotEqual(Product(5, 2), Product(5, 4), 3);
    }
}
