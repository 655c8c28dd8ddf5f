using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Training;

/// <summary>AdamW with decoupled weight decay on weight matrices only (biases, norm scales and 1-D parameters are not decayed).</summary>
internal static class OptimizerFactory
{
    public static AdamW CreateAdamW(nn.Module model, TrainingSettings settings)
    {
        var decayed = new List<Parameter>();
        var notDecayed = new List<Parameter>();
        foreach (var (_, parameter) in model.named_parameters())
        {
            if (!parameter.requires_grad)
                continue;
            (parameter.dim() >= 2 ? decayed : notDecayed).Add(parameter);
        }
        if (decayed.Count + notDecayed.Count == 0)
            throw new InvalidOperationException("The network has no trainable parameters.");

        var groups = new List<AdamW.ParamGroup>
        {
            new(decayed, lr: settings.LearningRate, beta1: settings.AdamBeta1, beta2: settings.AdamBeta2, eps: 1e-8, weight_decay: settings.WeightDecay),
            new(notDecayed, lr: settings.LearningRate, beta1: settings.AdamBeta1, beta2: settings.AdamBeta2, eps: 1e-8, weight_decay: 0),
        };
        return optim.AdamW(groups, settings.LearningRate, settings.AdamBeta1, settings.AdamBeta2, 1e-8, settings.WeightDecay);
    }

    /// <summary>
    /// Sets <paramref name="settings"/>' betas and weight decay on the groups made by <see cref="CreateAdamW"/> (after a checkpoint's
    /// groups were loaded, which carry the values of the run that wrote it).
    /// </summary>
    public static void ApplySettings(AdamW optimizer, TrainingSettings settings)
    {
        var groups = optimizer.ParamGroups.Cast<AdamW.ParamGroup>().ToList();
        for (int i = 0; i < groups.Count; i++)
        {
            groups[i].Betas = (settings.AdamBeta1, settings.AdamBeta2);
            groups[i].Options.weight_decay = i == 0 ? settings.WeightDecay : 0;
        }
    }

    public static void SetLearningRate(AdamW optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups)
            group.LearningRate = learningRate;
    }
}
