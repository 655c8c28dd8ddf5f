using Microsoft.ML.Attention.Modeling;
using TorchSharp;

namespace Microsoft.ML.Attention.Persistence;

/// <summary>
/// A task network as the task-independent code sees it: the module (weights, device, save and load) and its shared backbone.
/// </summary>
/// <param name="Module">The whole task network.</param>
/// <param name="Backbone">Its <see cref="ITaskNetwork.Backbone"/>.</param>
internal readonly record struct TaskNetwork(torch.nn.Module Module, TransformerBackbone Backbone)
{
    /// <summary>Both views of <paramref name="network"/>.</summary>
    public static TaskNetwork Of<TNetwork>(TNetwork network) where TNetwork : torch.nn.Module, ITaskNetwork => new(network, network.Backbone);
}
