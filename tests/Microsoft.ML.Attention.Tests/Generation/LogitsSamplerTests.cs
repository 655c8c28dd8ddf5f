using Microsoft.ML.Attention.Generation;
using TorchSharp;

namespace Microsoft.ML.Attention.Tests.Generation;

public class LogitsSamplerTests
{
    private static readonly int[] NoIds = Array.Empty<int>();

    [Fact]
    public void Temperature_zero_and_top_k_one_both_pick_the_argmax()
    {
        torch.manual_seed(1);
        using var logits = torch.randn(50);
        int argmax = (int)logits.argmax().item<long>();
        using var greedy = new LogitsSampler(new GenerationOptions { Temperature = 0f });
        using var topOne = new LogitsSampler(new GenerationOptions { Temperature = 1.5f, TopK = 1, Seed = 3 });

        Assert.True(greedy.IsGreedy);
        Assert.True(topOne.IsGreedy);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(argmax, greedy.Sample(logits, NoIds));
            Assert.Equal(argmax, topOne.Sample(logits, NoIds));
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_draws_and_another_seed_differs()
    {
        using var logits = torch.zeros(100); // uniform: 40 draws of two seeds almost surely differ
        int[] Draws(int seed)
        {
            using var sampler = new LogitsSampler(new GenerationOptions { Seed = seed });
            return Enumerable.Range(0, 40).Select(_ => sampler.Sample(logits, NoIds)).ToArray();
        }

        Assert.Equal(Draws(7), Draws(7));
        Assert.NotEqual(Draws(7), Draws(8));
    }

    [Fact]
    public void Top_k_draws_only_among_the_k_largest_logits()
    {
        using var logits = torch.tensor(new float[] { 0.1f, 3f, 0.2f, 2.9f, 0f, 2.8f, -1f, 0.3f });
        using var sampler = new LogitsSampler(new GenerationOptions { TopK = 3, Temperature = 10f, Seed = 1 });

        var drawn = Enumerable.Range(0, 200).Select(_ => sampler.Sample(logits, NoIds)).ToHashSet();

        Assert.Equal(new HashSet<int> { 1, 3, 5 }, drawn);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_the_probability_and_always_the_most_likely()
    {
        // probabilities 0.5, 0.3, 0.15, 0.05
        using var logits = torch.tensor(new[] { 0.5f, 0.3f, 0.15f, 0.05f }).log();
        using var nucleus = new LogitsSampler(new GenerationOptions { TopP = 0.75f, Seed = 2 });
        using var tiny = new LogitsSampler(new GenerationOptions { TopP = 0.01f, Seed = 2 });

        var drawn = Enumerable.Range(0, 300).Select(_ => nucleus.Sample(logits, NoIds)).ToHashSet();
        var drawnTiny = Enumerable.Range(0, 50).Select(_ => tiny.Sample(logits, NoIds)).ToHashSet();

        Assert.Equal(new HashSet<int> { 0, 1 }, drawn);
        Assert.Equal(new HashSet<int> { 0 }, drawnTiny);
    }

    [Fact]
    public void Repetition_penalty_divides_positive_and_multiplies_negative_logits_of_seen_tokens()
    {
        // token 0 (seen, 2.0 -> 1.0) loses to token 1 (unseen, 1.5); token 2 (seen, -0.1 -> -0.2) stays below token 3 (-0.15)
        using var logits = torch.tensor(new[] { 2.0f, 1.5f, -0.1f, -0.15f });
        using var plain = new LogitsSampler(new GenerationOptions { Temperature = 0f });
        using var penalized = new LogitsSampler(new GenerationOptions { Temperature = 0f, RepetitionPenalty = 2f });
        using var negatives = torch.tensor(new[] { -0.1f, -0.15f, -5f });

        Assert.Equal(0, plain.Sample(logits, new[] { 0, 2 }));
        Assert.Equal(1, penalized.Sample(logits, new[] { 0, 2 }));
        Assert.Equal(1, penalized.Sample(negatives, new[] { 0 }));
        Assert.Equal(0, plain.Sample(negatives, new[] { 0 }));
    }

    [Fact]
    public void Sampling_leaves_the_logits_unchanged()
    {
        using var logits = torch.tensor(new[] { 1f, -2f, 3f });
        using var copy = logits.clone();
        using var sampler = new LogitsSampler(new GenerationOptions { RepetitionPenalty = 3f, TopK = 2, TopP = 0.9f, Temperature = 0.7f, Seed = 5 });

        sampler.Sample(logits, new[] { 0, 1, 2 });

        Assert.Equal(copy.data<float>().ToArray(), logits.data<float>().ToArray());
    }

    [Fact]
    public void Logits_that_are_not_a_single_row_are_rejected()
    {
        using var logits = torch.zeros(2, 3);
        using var sampler = new LogitsSampler(new GenerationOptions());

        var error = Assert.Throws<ArgumentException>(() => sampler.Sample(logits, NoIds));

        Assert.Equal("logits", error.ParamName);
    }
}
