"""Neural networks from scalar arithmetic: dense layers, activations, losses, backpropagation, optimisers."""
