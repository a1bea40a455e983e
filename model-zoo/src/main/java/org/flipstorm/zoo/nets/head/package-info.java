/**
 * The text-guided classification head (configuration, parameters, layer) as a plain DL4J layer
 * with an explicit backward pass.
 */
package org.flipstorm.zoo.nets.head;
