using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Training;

public class MaskedLanguageModelMaskingTests
{
    private static readonly TextTokenizer Tokenizer = TextTokenizer.CreateGpt2();

    [Fact]
    public void Selects_15_percent_and_masks_80_randomizes_10_keeps_10_percent()
    {
        using var masking = new MaskedLanguageModelMasking(Tokenizer, Tokenizer.VocabularySize, 0.15);
        using var generator = new Generator(7);
        using var ids = randint(0, 50000, [256, 128], generator: generator);   // content ids only (specials are >= 50256)
        using var mask = ones(256, 128, dtype: int64);

        var (inputs, labels) = masking.Apply(ids, mask, generator);
        using (inputs)
        using (labels)
        {
            using var selected = labels.ne(MaskedLanguageModelMasking.IgnoreIndex);
            double total = ids.numel();
            double chosen = selected.sum().item<long>();
            double masked = inputs.eq(Tokenizer.Special.Mask).logical_and(selected).sum().item<long>();
            double unchanged = inputs.eq(ids).logical_and(selected).sum().item<long>();
            double random = chosen - masked - unchanged;

            Assert.InRange(chosen / total, 0.145, 0.155);
            Assert.InRange(masked / chosen, 0.78, 0.82);
            Assert.InRange(random / chosen, 0.085, 0.115);
            Assert.InRange(unchanged / chosen, 0.085, 0.115);
            // Labels hold the original ids where selected; unselected inputs are untouched.
            Assert.True(labels[selected].eq(ids[selected]).all().item<bool>());
            Assert.True(inputs[selected.logical_not()].eq(ids[selected.logical_not()]).all().item<bool>());
        }
    }

    [Fact]
    public void Never_selects_padding_or_special_tokens_and_selects_at_least_one_per_row()
    {
        using var masking = new MaskedLanguageModelMasking(Tokenizer, Tokenizer.VocabularySize, 0.15);
        using var generator = new Generator(11);
        var special = Tokenizer.Special;
        // Row 0: [Bos] 3 content tokens [Eos] [Pad]...; row 1: [Bos] 1 token [Eos].
        using var ids = tensor(new long[] { special.Bos, 10, 11, 12, special.Eos, special.Pad, special.Bos, 20, special.Eos, special.Pad, special.Pad, special.Pad }).reshape(2, 6);
        using var mask = tensor(new long[] { 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0 }).reshape(2, 6);

        for (int trial = 0; trial < 50; trial++)
        {
            var (inputs, labels) = masking.Apply(ids, mask, generator);
            using (inputs)
            using (labels)
            {
                using var selected = labels.ne(MaskedLanguageModelMasking.IgnoreIndex);
                Assert.True(selected.any(1).all().item<bool>());
                Assert.False(selected[0, 0].item<bool>() || selected[0, 4].item<bool>() || selected[0, 5].item<bool>());
                Assert.False(selected[1, 0].item<bool>() || selected[1, 2].item<bool>());
                Assert.False(selected[1, 3..].any().item<bool>());
            }
        }
    }

    [Fact]
    public void Random_replacements_are_never_special_tokens()
    {
        using var masking = new MaskedLanguageModelMasking(Tokenizer, Tokenizer.VocabularySize, 0.5);
        using var generator = new Generator(5);
        using var ids = full(64, 64, 100L);
        using var mask = ones(64, 64, dtype: int64);
        var (inputs, labels) = masking.Apply(ids, mask, generator);
        using (inputs)
        using (labels)
        {
            var s = Tokenizer.Special;
            using var replaced = inputs.ne(100).logical_and(inputs.ne(s.Mask));
            using var replacements = inputs[replaced];
            Assert.True(replacements.numel() > 0);
            foreach (long id in new long[] { s.Pad, s.Bos, s.Eos, s.Unk })
                Assert.False(replacements.eq(id).any().item<bool>());
        }
    }
}
